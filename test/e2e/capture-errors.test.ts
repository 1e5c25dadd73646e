// Bad input to `lifeboat capture`, end to end: each failure has its stable code and exit code,
// and nothing is stored (the history, last-seen times included, and the repository's
// inventory snapshots stay exactly as they were).
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freePort } from "../harness/free-port.js";
import type { MotoServer } from "../harness/moto.js";
import { ConfigBuilder } from "./config-builder.js";
import {
  captureShopWorld,
  expectError,
  expectJson,
  storedState,
  type CaptureJson,
  type CaptureShopWorld,
  type CaptureWorkspace,
} from "./capture-fixture.js";

let world: CaptureShopWorld;
let moto: MotoServer;
let ws: CaptureWorkspace;
let stored: Awaited<ReturnType<typeof storedState>>;

before(async () => {
  world = await captureShopWorld();
  ({ moto, ws } = world);
  expectJson<CaptureJson>(await ws.cli(["capture", "shop", "--json"]));
  stored = await storedState(ws);
  assert.equal(stored.versions.length, 1);
});

after(async () => {
  await world?.close();
});

test("an unknown environment is LB_ENV_NOT_FOUND, exit 3, for every capture command", async () => {
  for (const command of ["capture", "inventory", "history", "diff"]) {
    const error = expectError(await ws.cli([command, "shopp", "--json"]), 3);
    assert.equal(error.code, "LB_ENV_NOT_FOUND", command);
    assert.deepEqual(error.details, { environment: "shopp", known: ["shop"] });
  }
  const human = await ws.cli(["capture", "shopp"]);
  assert.equal(human.code, 3);
  assert.match(human.stderr, /did you mean "shop"\?/);
  assert.deepEqual(await storedState(ws), stored);
});

test("an unreachable endpoint is LB_PROVIDER_UNREACHABLE, exit 1, nothing stored", async () => {
  // The same state and repository, but the provider points where nothing listens.
  const dead = `http://127.0.0.1:${await freePort()}`;
  const file = join(ws.dir, "unreachable.yaml");
  writeFileSync(file, ConfigBuilder.shop({ endpoint: dead }).toYaml());
  const run = await ws.cli(["capture", "shop", "--json", "--config", file]);
  const error = expectError(run, 1);
  assert.equal(error.code, "LB_PROVIDER_UNREACHABLE");
  assert.equal(expectJson<{ error: { retryable: boolean } }>(run, 1).error.retryable, true);
  assert.deepEqual(await storedState(ws), stored);
});

test("credentials the provider rejects are LB_PROVIDER_AUTH, exit 2, nothing stored", async () => {
  // moto checks credentials once IAM enforcement is switched on (after 0 more requests).
  await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: "POST", body: "0" });
  try {
    const run = await ws.cli(["capture", "shop", "--json"], {
      AWS_ACCESS_KEY_ID: "AKIAWRONGWRONGWRONG0",
      AWS_SECRET_ACCESS_KEY: "wrong",
    });
    assert.equal(expectError(run, 2).code, "LB_PROVIDER_AUTH");
  } finally {
    await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: "POST", body: "1000000000" });
  }
  assert.deepEqual(await storedState(ws), stored);
});

test("a wrong repository password is LB_REPO_WRONG_PASSWORD, exit 4, nothing stored", async () => {
  const run = await ws.cli(["capture", "shop", "--json"], { LIFEBOAT_PASSWORD: "not it" });
  assert.equal(expectError(run, 4).code, "LB_REPO_WRONG_PASSWORD");
  assert.deepEqual(await storedState(ws), stored);
});

test("after the failures, a capture works again and finds the environment unchanged", async () => {
  const again = expectJson<CaptureJson>(await ws.cli(["capture", "shop", "--json"]));
  assert.equal(again.created, false);
  assert.equal(again.version.version, 1);
});
