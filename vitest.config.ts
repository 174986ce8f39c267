import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    // Tests that start loopback servers or spawn the CLI must not fight over ports or env.
    pool: "forks",
    // Test files share their worker's module cache instead of each loading src/, the libraries and
    // GitHub's GraphQL schema again. So a test must leave process-wide state as it found it: no test
    // changes process.env or the cwd, mocks a module, or leaves a server or nock interceptor behind.
    isolate: false,
  },
});
