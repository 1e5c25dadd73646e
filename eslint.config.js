// Lint rules, including the layering rules of STYLE.md (docs/layering.md explains them).
// test/lint/layering.test.ts proves each rule fires; test/lint/no-cycles.test.ts forbids
// import cycles.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Top-level modules under src/. */
const engines = [
  "capture",
  "protect",
  "watch",
  "plan",
  "execute",
  "recover",
  "plugins",
  "workflows",
];
const storage = ["repository", "store"];
// `demo` is an entry point too: it composes a whole story (moto, builder, capture, drill) the
// way `cli` composes one command, so it sees everything but the SDK.
// The composition root is composition.ts and the `compose-*.ts` modules it re-exports, one per
// capability it wires (and composition-watch.ts): they see everything but the SDK, and only the
// other entry points import them.
const compositionFiles = ["src/composition.ts", "src/composition-*.ts", "src/compose-*.ts"];
const entryPoints = ["cli", "api", "demo", "composition.js", "composition-*.js", "compose-*.js"];
const allModules = [...engines, ...storage, "providers", "config", ...entryPoints];

/** An import of `module` from anywhere, matched on the import string (no resolution needed). */
const into = (module) => (module.endsWith(".js") ? `**/${module}` : `**/${module}/**`);

const sdk = {
  group: ["@aws-sdk/*", "@smithy/*"],
  message:
    "only src/providers/aws and the s3 backend import the AWS SDK (STYLE.md: ports and adapters).",
};
const rule = (message, modules) => ({ group: modules.map(into), message });

/**
 * src/model imports nothing of ours: from a file `depth` folders below src/model, any import
 * climbing `depth + 1` levels leaves the model. (Matching module names instead would also
 * forbid src/model/plan, which shares a name with the src/plan engine.)
 */
const modelRuleAt = (depth) => ({
  group: [`${"../".repeat(depth + 1)}*`],
  message: "src/model imports nothing of ours (STYLE.md: layering).",
});
const engineRule = {
  group: ["**/providers/*/**", ...entryPoints.map(into)],
  message: "engines import ports, never an adapter or an entry point (STYLE.md: layering).",
};
const entryRule = rule(
  "only the entry points (cli, api, demo, the composition root) import them (STYLE.md: layering).",
  entryPoints,
);

/**
 * The dashboard runs in a browser: it may import src/model and the API's types (type-only
 * vocabulary), never server code, node built-ins or server-side packages.
 */
const webRule = {
  // A regex, not a glob: gitignore-style globs cannot re-include src/model under an excluded src.
  regex: "(^|/)src/(?!model/|api/types)",
  message: "web/ imports only src/model and the API's types (STYLE.md: layering).",
};
const webServerPackages = {
  group: [
    "node:*",
    "@aws-sdk/*",
    "@smithy/*",
    "fastify",
    "fastify/*",
    "@fastify/*",
    "better-sqlite3",
    "pg",
    "kysely",
    "commander",
    "zstd-napi",
  ],
  message: "web/ runs in the browser: no node built-ins or server-side packages.",
};

/** One no-restricted-imports entry per file group (a later entry replaces an earlier one). */
const restrict = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { "no-restricted-imports": ["error", { patterns }] },
});

export default tseslint.config(
  { ignores: ["dist/**", "dist-*/**", "node_modules/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  restrict(
    ["src/**/*.ts"],
    [sdk, entryRule],
    ["src/providers/aws/**", "src/repository/backends/s3-backend.ts"],
  ),
  restrict(["src/providers/aws/**/*.ts", "src/repository/backends/s3-backend.ts"], [entryRule]),
  restrict(["src/model/*.ts"], [sdk, modelRuleAt(0)]),
  restrict(["src/model/*/*.ts"], [sdk, modelRuleAt(1)]),
  restrict(["src/model/*/*/*.ts"], [sdk, modelRuleAt(2)]),
  restrict(
    engines.map((engine) => `src/${engine}/**/*.ts`),
    [sdk, engineRule],
  ),
  // The entry points see everything except the SDK.
  restrict(["src/cli/**/*.ts", "src/api/**/*.ts", "src/demo/**/*.ts", ...compositionFiles], [sdk]),
  restrict(["web/src/**/*.ts", "web/src/**/*.tsx"], [webRule, webServerPackages]),
);
