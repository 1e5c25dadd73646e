// Proves that the layering rules of STYLE.md are enforced by `npm run lint`, not just written
// down: each forbidden import below must produce a lint error, and an allowed one must not.
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { ESLint } from "eslint";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIdsFor(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

test("model may not import anything of ours outside model", async () => {
  const ids = await ruleIdsFor(
    "src/model/layering-probe.ts",
    'import { printError } from "../cli/output.js";\nexport const x = printError;\n',
  );
  assert.ok(ids.includes("no-restricted-imports"), `got ${ids.join(", ")}`);
});

test("model may import model", async () => {
  const ids = await ruleIdsFor(
    "src/model/layering-probe.ts",
    'import { LifeboatError } from "./errors.js";\nexport const x = LifeboatError;\n',
  );
  assert.deepEqual(ids, []);
});

test("an engine may not import a provider adapter", async () => {
  const ids = await ruleIdsFor(
    "src/capture/layering-probe.ts",
    'import { freePort } from "../providers/aws/anything.js";\nexport const x = freePort;\n',
  );
  assert.ok(ids.includes("no-restricted-imports"), `got ${ids.join(", ")}`);
});

test("plug-ins and the workflow engine may not import a provider adapter", async () => {
  for (const engine of ["plugins", "workflows"]) {
    const ids = await ruleIdsFor(
      `src/${engine}/layering-probe.ts`,
      'import { AwsProvider } from "../providers/aws/aws-provider.js";\nexport const x = AwsProvider;\n',
    );
    assert.ok(ids.includes("no-restricted-imports"), `${engine}: got ${ids.join(", ")}`);
  }
});

test("nothing but cli, api and composition may import the cli", async () => {
  const ids = await ruleIdsFor(
    "src/store/layering-probe.ts",
    'import { printError } from "../cli/output.js";\nexport const x = printError;\n',
  );
  assert.ok(ids.includes("no-restricted-imports"), `got ${ids.join(", ")}`);
});

test("only the entry points import the composition root's capability modules", async () => {
  const source =
    'import { withRecovery } from "../compose-recovery.js";\nexport const x = withRecovery;\n';
  for (const engine of ["recover", "store", "workflows"]) {
    const ids = await ruleIdsFor(`src/${engine}/layering-probe.ts`, source);
    assert.ok(ids.includes("no-restricted-imports"), `${engine}: got ${ids.join(", ")}`);
  }
  const cli = await ruleIdsFor("src/cli/layering-probe.ts", source);
  assert.ok(!cli.includes("no-restricted-imports"), `cli: got ${cli.join(", ")}`);
  const wiring = await ruleIdsFor(
    "src/compose-layering-probe.ts",
    'import { withRecovery } from "./compose-recovery.js";\nexport const x = withRecovery;\n',
  );
  assert.ok(!wiring.includes("no-restricted-imports"), `compose: got ${wiring.join(", ")}`);
});

test("the AWS SDK stays inside its adapter", async () => {
  const ids = await ruleIdsFor(
    "src/capture/layering-probe.ts",
    'import { EC2Client } from "@aws-sdk/client-ec2";\nexport const x = EC2Client;\n',
  );
  assert.ok(ids.includes("no-restricted-imports"), `got ${ids.join(", ")}`);
});

test("a nested model file may import model folders but not leave the model", async () => {
  const inside = await ruleIdsFor(
    "src/model/plan/layering-probe.ts",
    'import { LifeboatError } from "../errors.js";\nexport const x = LifeboatError;\n',
  );
  assert.deepEqual(inside, []);
  const outside = await ruleIdsFor(
    "src/model/plan/layering-probe.ts",
    'import { planRecovery } from "../../plan/index.js";\nexport const x = planRecovery;\n',
  );
  assert.ok(outside.includes("no-restricted-imports"), `got ${outside.join(", ")}`);
});

test("the dashboard may import src/model but no server code", async () => {
  const model = await ruleIdsFor(
    "web/src/pages/layering-probe.tsx",
    'import type { RunPhase } from "../../../src/model/plan/index.js";\nexport type X = RunPhase;\n',
  );
  assert.deepEqual(model, []);
  const server = await ruleIdsFor(
    "web/src/pages/layering-probe.tsx",
    'import { printError } from "../../../src/cli/output.js";\nexport const x = printError;\n',
  );
  assert.ok(server.includes("no-restricted-imports"), `got ${server.join(", ")}`);
  const store = await ruleIdsFor(
    "web/src/layering-probe.ts",
    'import { openStore } from "../../src/store/index.js";\nexport const x = openStore;\n',
  );
  assert.ok(store.includes("no-restricted-imports"), `got ${store.join(", ")}`);
});

test("the dashboard may not import node built-ins or server packages", async () => {
  for (const source of [
    'import { readFile } from "node:fs/promises";',
    'import Fastify from "fastify";',
  ]) {
    const ids = await ruleIdsFor("web/src/layering-probe.ts", `${source}\nexport const x = 1;\n`);
    assert.ok(ids.includes("no-restricted-imports"), `${source}: got ${ids.join(", ")}`);
  }
});

test("the demo is an entry point: it may compose, engines may not import it, nor it the SDK", async () => {
  const composes = await ruleIdsFor(
    "src/demo/layering-probe.ts",
    'import { captureNow } from "../composition.js";\nexport const x = captureNow;\n',
  );
  assert.ok(!composes.includes("no-restricted-imports"), `got ${composes.join(", ")}`);
  const engine = await ruleIdsFor(
    "src/recover/layering-probe.ts",
    'import { runDemo } from "../demo/run-demo.js";\nexport const x = runDemo;\n',
  );
  assert.ok(engine.includes("no-restricted-imports"), `got ${engine.join(", ")}`);
  const sdk = await ruleIdsFor(
    "src/demo/layering-probe.ts",
    'import { EC2Client } from "@aws-sdk/client-ec2";\nexport const x = EC2Client;\n',
  );
  assert.ok(sdk.includes("no-restricted-imports"), `got ${sdk.join(", ")}`);
});
