import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    // Tests that start loopback servers or spawn the CLI must not fight over ports or env.
    pool: "forks",
  },
});
