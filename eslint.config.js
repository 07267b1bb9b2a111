// ESLint for the browser scripts (ES modules served as they are) and their Node tests.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "app/static/vendor/", "tests/browser/vendor/", "build/", "instance/"] },
  js.configs.recommended,
  {
    files: ["app/static/js/**/*.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
  {
    rules: {
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      "no-console": ["error", { allow: ["error"] }],
      "no-shadow": "error",
      curly: ["error", "multi-line"],
    },
  },
];
