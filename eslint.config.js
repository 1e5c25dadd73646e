// Lint rules, including the layering rules of STYLE.md. `docs/layering.md` explains them;
// test/lint/layering.test.ts proves that a forbidden import fails the lint.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

const engines = ["capture", "protect", "watch", "plan", "execute"];

/** Zones for import-x/no-restricted-paths: `target` may not import from `from`. */
const layerZones = [
  // model is the vocabulary: it imports nothing of ours.
  {
    target: "./src/model",
    from: "./src",
    except: ["./model"],
    message: "src/model imports nothing of ours (STYLE.md: layering).",
  },
  // Engines use ports, never a concrete adapter, and never the entry points.
  ...engines.map((engine) => ({
    target: `./src/${engine}`,
    from: ["./src/providers/*/**", "./src/cli", "./src/api", "./src/composition.ts"],
    message: "engines import ports, never an adapter or an entry point (STYLE.md: layering).",
  })),
  // Only the entry points see the composition root and each other.
  {
    target: "./src",
    from: ["./src/cli", "./src/api", "./src/composition.ts"],
    except: [],
    message: "only cli, api and composition.ts may import cli, api or composition.ts.",
  },
];

const sdkPattern = {
  group: ["@aws-sdk/*", "@smithy/*"],
  message: "only src/providers/aws and the s3 backend import the AWS SDK.",
};
const adapterPattern = {
  group: ["**/providers/*/**", "**/cli/**", "**/api/**", "**/composition.js"],
  message: "engines import ports, never an adapter or an entry point (STYLE.md: layering).",
};

export default tseslint.config(
  { ignores: ["dist/**", "dist-*/**", "node_modules/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    plugins: { "import-x": importX },
    languageOptions: { parserOptions: { projectService: false } },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "no-console": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "import-x/no-restricted-paths": ["error", { zones: layerZones }],
    },
  },
  // The cli and api may import each other's pieces and the composition root.
  {
    files: ["src/cli/**/*.ts", "src/api/**/*.ts", "src/composition.ts"],
    rules: {
      "import-x/no-restricted-paths": [
        "error",
        { zones: layerZones.filter((zone) => zone.target !== "./src") },
      ],
    },
  },
  // An SDK's types and errors stop at its adapter.
  {
    files: ["src/**/*.ts"],
    ignores: ["src/providers/aws/**", "src/repository/backends/s3-backend.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [sdkPattern] }] },
  },
  // Engines: by path pattern too, so a forbidden import fails even before its target exists.
  {
    files: engines.map((engine) => `src/${engine}/**/*.ts`),
    rules: { "no-restricted-imports": ["error", { patterns: [sdkPattern, adapterPattern] }] },
  },
);
