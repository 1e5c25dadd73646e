// `lifeboat points` end to end: the built CLI reads the points the protect engine recorded.
import * as assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openStore } from "../../src/store/open-store.js";
import { recordRecoveryPoint } from "../../src/store/recovery-points-repo.js";
import { jsonOf, runLifeboat } from "./cli.js";
import { ConfigBuilder } from "./config-builder.js";

let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeboat-points-"));
  mkdirSync(join(dir, ".lifeboat"));
  ConfigBuilder.shop().writeTo(dir);
  const store = await openStore(`sqlite:${join(dir, ".lifeboat/state.db")}`);
  for (const [source, minute] of [
    ["vol-a", 1],
    ["vol-a", 20],
    ["vol-b", 10],
  ] as const) {
    await recordRecoveryPoint(store, {
      environment: "shop",
      source,
      kind: "volume",
      method: "journal",
      at: new Date(Date.UTC(2026, 2, 1, 10, minute)),
      snapshotId: `${source}-${minute}`.padEnd(64, "0"),
      sizeBytes: 256 * 2 ** 20,
      changedBytes: minute * 4096,
      groupId: null,
    });
  }
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface PointsJson {
  at: string | null;
  points: { source: string; at: string; changedBytes: number; method: string }[];
}

test("points lists every point newest first; --at picks each source's point at that time", async () => {
  const all = jsonOf<PointsJson>(await runLifeboat(["points", "shop", "--json"], { cwd: dir }));
  assert.deepEqual(
    all.points.map((p) => `${p.source}@${p.at.slice(11, 16)}`),
    ["vol-a@10:20", "vol-b@10:10", "vol-a@10:01"],
  );
  assert.equal(all.points[0]?.changedBytes, 20 * 4096);
  const at = jsonOf<PointsJson>(
    await runLifeboat(["points", "shop", "--json", "--at", "2026-03-01T10:15:00Z"], { cwd: dir }),
  );
  assert.deepEqual(
    at.points.map((p) => `${p.source}@${p.at.slice(11, 16)}`),
    ["vol-b@10:10", "vol-a@10:01"],
  );
  const one = await runLifeboat(["points", "shop", "--source", "vol-b"], { cwd: dir });
  assert.equal(one.code, 0);
  assert.match(one.stdout, /vol-b {2}volume\/journal {2}size 256\.0 MiB {2}changed 40\.0 KiB/);
});

test("a bad --at is a usage error; an unknown environment is not found", async () => {
  const bad = await runLifeboat(["points", "shop", "--at", "yesterday-ish", "--json"], {
    cwd: dir,
  });
  assert.equal(bad.code, 2);
  assert.equal(jsonOf<{ error: { code: string } }>(bad).error.code, "LB_USAGE");
  const missing = await runLifeboat(["points", "blog", "--json"], { cwd: dir });
  assert.equal(missing.code, 3);
  assert.equal(jsonOf<{ error: { code: string } }>(missing).error.code, "LB_ENV_NOT_FOUND");
});
