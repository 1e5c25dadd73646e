// The capture commands end to end: the built CLI against moto with the shop fixture, a config
// in a temp folder, a local repository and SQLite state. The tests run in order and build on
// each other (version 1, unchanged, three changes, version 2).
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import { changeShopThreeWays, shopCounts } from "../builders/shop-changes.js";
import type { AwsClients } from "../harness/aws-clients.js";
import {
  captureShopWorld,
  expectError,
  expectJson,
  storedState,
  type CaptureJson,
  type CaptureShopWorld,
  type CaptureWorkspace,
  type VersionJson,
} from "./capture-fixture.js";

let world: CaptureShopWorld;
let clients: AwsClients;
let shop: ShopEnvironment;
let ws: CaptureWorkspace;
let v1: CaptureJson;

interface InventoryJson {
  version: VersionJson;
  inventory: { resources: { id: string; kind: string }[]; externals: unknown[] };
}

before(async () => {
  world = await captureShopWorld();
  ({ clients, shop, ws } = world);
});

after(async () => {
  await world?.close();
});

test("before any capture: no history, and diff/inventory say there is no version", async () => {
  assert.deepEqual(await storedState(ws), { versions: [], snapshots: [] });
  expectError(await ws.cli(["inventory", "shop", "--json"]), 3);
  assert.equal(
    expectError(await ws.cli(["diff", "shop", "--json"]), 3).code,
    "LB_VERSION_NOT_FOUND",
  );
});

test("the first capture is version 1, with every kind of the shop counted", async () => {
  v1 = expectJson<CaptureJson>(await ws.cli(["capture", "shop", "--json"]));
  assert.equal(v1.created, true);
  assert.equal(v1.version.version, 1);
  assert.deepEqual(v1.version.counts, shopCounts);
  assert.equal(v1.version.resources, 29);
  assert.match(v1.version.digest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(v1.apiCalls.calls > 0 && v1.apiCalls.attempts >= v1.apiCalls.calls);
  assert.ok(v1.wallMs >= v1.discoveryMs);
  assert.equal(v1.explanation, null);
  const stored = await storedState(ws);
  assert.deepEqual(stored.snapshots, [v1.version.snapshot]);
  assert.deepEqual(stored.versions, [v1.version]);
});

test("capturing an unchanged environment makes no version; it moves last seen", async () => {
  const again = expectJson<CaptureJson>(await ws.cli(["capture", "shop", "--json"]));
  assert.equal(again.created, false);
  assert.equal(again.version.version, 1);
  assert.equal(again.version.digest, v1.version.digest);
  assert.equal(again.version.capturedAt, v1.version.capturedAt);
  assert.ok(again.version.lastSeenAt > v1.version.lastSeenAt, JSON.stringify(again.version));
  const stored = await storedState(ws);
  assert.deepEqual(stored.snapshots, [v1.version.snapshot], "no second snapshot is written");
  assert.deepEqual(stored.versions, [again.version]);
});

test("--explain tells what was included and why, and what was left out", async () => {
  const json = expectJson<CaptureJson>(await ws.cli(["capture", "shop", "--explain", "--json"]));
  assert.equal(json.explanation?.included.length, 29);
  assert.ok((json.explanation?.leftOut.length ?? 0) > 0);
  const human = await ws.cli(["capture", "shop", "--explain"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^shop: unchanged, still version 1/);
  assert.match(human.stdout, /API calls {2}\d+/);
  assert.match(human.stdout, /Included: 29 resource\(s\)/);
  assert.match(human.stdout, /Left out: \d+/);
  assert.match(human.stdout, /\(by scaling-group:shop-web\)/);
});

test("three changes in moto make version 2, and diff shows exactly those three", async () => {
  await changeShopThreeWays(clients, shop);
  const v2 = expectJson<CaptureJson>(await ws.cli(["capture", "shop", "--json"]));
  assert.equal(v2.created, true);
  assert.equal(v2.version.version, 2);
  assert.equal(v2.version.counts["dns-record"], 1);

  const cname = `dns-record:${shop.dns.hostedZoneId}/${shop.dns.databaseRecordName}/CNAME`;
  const diff = expectJson(await ws.cli(["diff", "shop", "--json"]));
  assert.deepEqual(diff, {
    ok: true,
    environment: "shop",
    from: (await storedState(ws)).versions[1],
    to: v2.version,
    identical: false,
    header: [],
    added: [],
    removed: [{ id: cname, kind: "dns-record", name: shop.dns.databaseRecordName }],
    changed: [
      {
        id: "scaling-group:shop-web",
        kind: "scaling-group",
        name: "shop-web",
        changes: [{ path: "properties.desiredCapacity", old: 2, new: 3 }],
      },
      {
        id: `security-group:${shop.security.webGroupId}`,
        kind: "security-group",
        name: "shop-web",
        changes: [
          {
            path: "properties.ingress[]",
            new: { protocol: "tcp", fromPort: 9000, toPort: 9000, peer: "10.0.0.0/16" },
          },
        ],
      },
    ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    externalsAdded: [],
    externalsRemoved: [],
    externalsChanged: [],
  });
  // Explicit versions and times name the same pair.
  const explicit = expectJson(await ws.cli(["diff", "shop", "1", "2", "--json"]));
  assert.deepEqual(explicit, diff);
  const byTime = expectJson(
    await ws.cli(["diff", "shop", v1.version.capturedAt, v2.version.capturedAt, "--json"]),
  );
  assert.deepEqual(byTime, diff);
  const same = expectJson<{ identical: boolean }>(
    await ws.cli(["diff", "shop", "2", "2", "--json"]),
  );
  assert.equal(same.identical, true);
  const human = await ws.cli(["diff", "shop"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^shop: version 1 -> 2/);
  assert.ok(human.stdout.includes(`- ${cname}`));
  assert.ok(human.stdout.includes("properties.desiredCapacity: 2 -> 3"));
  assert.match(human.stdout, /0 added, 1 removed, 2 changed resource\(s\)/);
});

test("inventory --version 1 returns the first capture; the latest is version 2", async () => {
  const first = expectJson<InventoryJson>(
    await ws.cli(["inventory", "shop", "--version", "1", "--json"]),
  );
  assert.equal(first.version.version, 1);
  assert.equal(first.version.digest, v1.version.digest);
  const cname = `dns-record:${shop.dns.hostedZoneId}/${shop.dns.databaseRecordName}/CNAME`;
  assert.ok(first.inventory.resources.some((r) => r.id === cname));
  assert.equal(first.inventory.resources.length, 29);
  const latest = expectJson<InventoryJson>(await ws.cli(["inventory", "shop", "--json"]));
  assert.equal(latest.version.version, 2);
  assert.ok(!latest.inventory.resources.some((r) => r.id === cname));
  const atFirst = expectJson<InventoryJson>(
    await ws.cli(["inventory", "shop", "--at", v1.version.capturedAt, "--json"]),
  );
  assert.equal(atFirst.version.version, 1);
  const human = await ws.cli(["inventory", "shop", "--version", "1"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^shop version 1: aws account \d+ us-east-1/);
  assert.match(human.stdout, /^security-group \(4\)$/m);
  assert.match(human.stdout, /^dns-record \(2\)$/m);
});

test("history lists both versions, newest first, with time, digest, counts, last seen", async () => {
  const history = expectJson<{ environment: string; versions: VersionJson[] }>(
    await ws.cli(["history", "shop", "--json"]),
  );
  assert.equal(history.environment, "shop");
  assert.deepEqual(
    history.versions.map((v) => v.version),
    [2, 1],
  );
  assert.notEqual(history.versions[0]?.digest, history.versions[1]?.digest);
  assert.equal(history.versions[1]?.digest, v1.version.digest);
  assert.ok((history.versions[1]?.lastSeenAt ?? "") < (history.versions[0]?.capturedAt ?? ""));
  const human = await ws.cli(["history", "shop"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^shop: 2 inventory version\(s\), newest first/);
  assert.match(human.stdout, /v2 {2}captured/);
});

test("an unknown version or time is LB_VERSION_NOT_FOUND (exit 3); a bad ref is usage (2)", async () => {
  for (const args of [
    ["inventory", "shop", "--version", "9"],
    ["inventory", "shop", "--at", "2001-01-01T00:00:00Z"],
    ["diff", "shop", "1", "7"],
    ["diff", "shop", "2001-01-01T00:00:00Z"],
  ]) {
    const error = expectError(await ws.cli([...args, "--json"]), 3);
    assert.equal(error.code, "LB_VERSION_NOT_FOUND", args.join(" "));
  }
  for (const args of [
    ["inventory", "shop", "--version", "one"],
    ["inventory", "shop", "--version", "1", "--at", "2026-01-01T00:00:00Z"],
    ["diff", "shop", "yesterday"],
  ]) {
    assert.equal(expectError(await ws.cli([...args, "--json"]), 2).code, "LB_USAGE");
  }
  const human = await ws.cli(["inventory", "shop", "--version", "9"]);
  assert.equal(human.code, 3);
  assert.match(human.stderr, /^error LB_VERSION_NOT_FOUND: /);
  assert.match(human.stderr, /remedy: .*lifeboat history/);
});

test("an index entry that names another version's snapshot is an integrity error (exit 4)", async () => {
  const db = new Database(join(ws.dir, ".lifeboat/state.db"));
  const swap = (from: number, to: number) =>
    db
      .prepare(
        "update inventory_versions set snapshot_id = (select snapshot_id from inventory_versions " +
          "where environment = 'shop' and version = ?) where environment = 'shop' and version = ?",
      )
      .run(from, to);
  try {
    swap(2, 1); // version 1 now points at version 2's document
    const error = expectError(await ws.cli(["inventory", "shop", "--version", "1", "--json"]), 4);
    assert.equal(error.code, "LB_REPO_OBJECT_CORRUPT");
    assert.deepEqual(error.details, {
      environment: "shop",
      version: 1,
      snapshot: (await storedState(ws)).versions[0]?.snapshot,
    });
    expectError(await ws.cli(["diff", "shop", "--json"]), 4);
  } finally {
    db.prepare(
      "update inventory_versions set snapshot_id = ? where environment = 'shop' and version = 1",
    ).run(v1.version.snapshot);
    db.close();
  }
  expectJson(await ws.cli(["inventory", "shop", "--version", "1", "--json"]));
});
