// ESLint flat config: ESLint's recommended rules plus typescript-eslint's recommended rules. These
// need no type information, so `npm run lint` stays fast; `npm run typecheck` covers the types.
import { defineConfig } from "eslint/config";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "coverage/", "node_modules/", "nightly-out/", "test-output/", ".cache/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_` marks a parameter or binding that is deliberately unused.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests match terminal output as it is printed: colour escapes and column-aligning spaces.
    files: ["tests/**"],
    rules: { "no-control-regex": "off", "no-regex-spaces": "off" },
  },
);
