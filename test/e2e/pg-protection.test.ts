/**
 * PostgreSQL continuous protection end to end, against a real PostgreSQL cluster whose
 * archive_command is the built CLI: base backup, WAL archiving while a writer inserts
 * timestamped rows, point-in-time restore to an instant between two rows, the restored server
 * started on another port. Prints the measured archive lag (RPO).
 */
import * as assert from "node:assert/strict";
import { chownSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import type { PointJson } from "../../src/cli/commands/points.js";
import { freePort } from "../harness/free-port.js";
import {
  pgCtlStop,
  startPgCluster,
  writeProtectionConfig,
  type PgCluster,
} from "../harness/pg-cluster.js";
import { cliPath, jsonOf, runLifeboat, type CliRun } from "./cli.js";

let cluster: PgCluster;
let restoredDir: string | undefined;

const lifeboat = (args: string[], timeoutMs = 120_000): Promise<CliRun> =>
  runLifeboat([...args, "--config", join(cluster.base, "lifeboat.yaml")], {
    cwd: cluster.base,
    timeoutMs,
    ...(cluster.user ? { user: cluster.user } : {}),
  });

function expectOk<T>(run: CliRun): T {
  assert.equal(run.code, 0, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return jsonOf<T>(run);
}

before(async () => {
  cluster = await startPgCluster((base) => ({
    archive_mode: "on",
    archive_command: `'${process.execPath} ${cliPath} pg archive-wal %p %f --config ${base}/lifeboat.yaml'`,
    // Small so the test sees segments close every second under load (docs/pg-protection.md).
    archive_timeout: "1",
    wal_level: "replica",
    log_min_messages: "log",
    checkpoint_timeout: "30s",
  }));
  writeProtectionConfig(cluster, "a pg test password", "1m");
  expectOk(await lifeboat(["repo", "init", "--kdf-n", "1024", "--json"]));
});

after(async () => {
  if (restoredDir) pgCtlStop(cluster.bin, restoredDir, cluster.user);
  await cluster?.stop();
});

interface Row {
  id: number;
  ts: string; // microsecond text from PostgreSQL, e.g. 2026-11-22 03:11:30.618025+00
}

/** Microseconds since the epoch of a PostgreSQL timestamptz text in UTC. */
const micros = (ts: string) => {
  const [whole, frac = ""] = ts.replace(/\+00$/, "").split(".");
  return BigInt(Date.parse(`${whole!.replace(" ", "T")}Z`)) * 1000n + BigInt(frac.padEnd(6, "0"));
};

test("base backup + WAL archiving; restore --at T between two rows has every row ≤ T and none after", async () => {
  const db = new pg.Client({ connectionString: cluster.url });
  await db.connect();
  try {
    await db.query("SET TIME ZONE 'UTC'");
    await db.query("CREATE TABLE ticks (id serial PRIMARY KEY, ts timestamptz NOT NULL)");
    const base = expectOk<{ snapshot: string; startWalFile: string; timeline: number }>(
      await lifeboat(["pg", "basebackup", "--json"]),
    );
    assert.match(base.startWalFile, /^[0-9A-F]{24}$/);
    assert.equal(base.timeline, 1);

    // The writer: one autocommit row every 40 ms, stamped with clock_timestamp().
    const rows: Row[] = [];
    for (let i = 0; i < 120; i++) {
      const { rows: r } = await db.query<Row>(
        "INSERT INTO ticks (ts) VALUES (clock_timestamp()) RETURNING id, ts::text AS ts",
      );
      rows.push(r[0]!);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const lastWritten = Date.now();
    const last = rows.at(-1)!;

    // RPO as measured: how long until the archive provably covers the last row's commit.
    let status: {
      recoverableUntil: string | null;
      archiveLagSeconds: { median: number; max: number } | null;
    };
    for (;;) {
      status = expectOk(await lifeboat(["pg", "status", "--json"]));
      if (
        status.recoverableUntil &&
        micros(last.ts) <= BigInt(Date.parse(status.recoverableUntil)) * 1000n
      )
        break;
      assert.ok(
        Date.now() - lastWritten < 120_000,
        `archive never covered the last row\n${cluster.log()}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const coveredAfter = (Date.now() - lastWritten) / 1000;
    console.log(
      `pg archive lag: last row covered ${coveredAfter.toFixed(2)} s after it was written` +
        ` (archive_timeout 1 s); per segment median ${status.archiveLagSeconds!.median.toFixed(2)} s,` +
        ` max ${status.archiveLagSeconds!.max.toFixed(2)} s`,
    );

    // Base backup and archived segments are recovery points: `lifeboat points` lists them and
    // the replication probe reads PostgreSQL freshness from them.
    const listed = expectOk<{ points: PointJson[] }>(
      await lifeboat(["points", "shop", "--source", "main", "--json"]),
    );
    const baseRow = listed.points.find((p) => p.method === "base-backup");
    assert.equal(baseRow?.snapshot, base.snapshot);
    assert.equal(baseRow?.kind, "database");
    const walRows = listed.points.filter((p) => p.method === "wal");
    assert.ok(walRows.length >= 2, `${walRows.length} WAL points`);
    // The newest WAL point is at least the archive's recoverable-until instant seen above.
    assert.ok(Date.parse(walRows[0]!.at) >= Date.parse(status.recoverableUntil!));
    assert.ok(walRows.every((p) => Date.parse(p.createdAt) >= Date.parse(p.at)));
    // `status` reads the newest point as the watcher's replication probe does.
    const env = expectOk<{
      recoveryPoint: { newest: { source: string; kind: string; at: string } | null };
    }>(await lifeboat(["status", "shop", "--json"]));
    assert.equal(env.recoveryPoint.newest?.source, "main");
    assert.equal(env.recoveryPoint.newest?.kind, "database");
    assert.ok(Date.parse(env.recoveryPoint.newest.at) >= Date.parse(walRows[0]!.at));

    // T: halfway between two consecutive rows in the middle, so no commit is near it.
    const k = Math.floor(rows.length / 2);
    const a = micros(rows[k]!.ts);
    const b = micros(rows[k + 1]!.ts);
    const t = (a + b) / 2n;
    const tDate = new Date(Number(t / 1000n));
    const tText = `${tDate.toISOString().slice(0, 23)}${String(t % 1000n).padStart(3, "0")}Z`;

    restoredDir = join(cluster.base, "restored");
    const port = await freePort();
    const restored = expectOk<{
      segments: number;
      baseSnapshot: string;
      server: { url: string; targetReached: boolean };
    }>(
      await lifeboat(
        [
          "pg",
          "restore",
          "--at",
          tText,
          "--target",
          restoredDir,
          "--start",
          "--port",
          String(port),
          "--json",
        ],
        300_000,
      ),
    );
    assert.equal(restored.baseSnapshot, base.snapshot);
    assert.ok(restored.segments >= 1);
    assert.equal(restored.server.targetReached, true);

    const copy = new pg.Client({ connectionString: restored.server.url });
    await copy.connect();
    try {
      const { rows: got } = await copy.query<Row>(
        "SELECT id, ts::text AS ts FROM ticks ORDER BY id",
      );
      const expected = rows.filter((r) => micros(r.ts) <= t).map((r) => r.id);
      assert.deepEqual(
        got.map((r) => r.id),
        expected,
        `rows ≤ ${tText}`,
      );
      assert.ok(got.every((r) => micros(r.ts) <= t));
      assert.equal(expected.length, k + 1);
      // The copy is promoted (writable) and does not archive into the production chain.
      await copy.query("INSERT INTO ticks (ts) VALUES (clock_timestamp())");
      const { rows: mode } = await copy.query<{ archive_mode: string }>("SHOW archive_mode");
      assert.equal(mode[0]!.archive_mode, "off");
    } finally {
      await copy.end();
    }
  } finally {
    await db.end();
  }
});

test("archive-wal exits non-zero and stores nothing when it cannot store the segment", async () => {
  const before = expectOk<{ walFiles: number }>(await lifeboat(["pg", "status", "--json"]));
  const missing = await lifeboat([
    "pg",
    "archive-wal",
    "pg_wal/000000010000000000000099",
    "000000010000000000000099",
    "--json",
  ]);
  assert.notEqual(missing.code, 0);
  assert.equal(jsonOf<{ error: { code: string } }>(missing).error.code, "LB_PG_WAL_ARCHIVE_FAILED");

  const segment = join(cluster.base, "segment");
  writeFileSync(segment, Buffer.alloc(1024 * 1024, 7));
  if (cluster.user) chownSync(segment, cluster.user.uid, cluster.user.gid);
  const wrongKey = join(cluster.base, "wrong-password");
  writeFileSync(wrongKey, "not the password\n");
  if (cluster.user) chownSync(wrongKey, cluster.user.uid, cluster.user.gid);
  const denied = await lifeboat([
    "pg",
    "archive-wal",
    segment,
    "0000000100000000000000AA",
    "--password-file",
    wrongKey,
    "--json",
  ]);
  assert.equal(denied.code, 4);
  assert.equal(jsonOf<{ error: { code: string } }>(denied).error.code, "LB_REPO_WRONG_PASSWORD");

  const bad = await lifeboat(["pg", "archive-wal", segment, "not-a-wal-name", "--json"]);
  assert.equal(bad.code, 2);
  const afterwards = expectOk<{ walFiles: number }>(await lifeboat(["pg", "status", "--json"]));
  // The server keeps archiving meanwhile, so the count may grow, but never by these names.
  assert.ok(afterwards.walFiles >= before.walFiles);
  const listed = await lifeboat(["repo", "snapshots", "--json"]);
  assert.ok(!listed.stdout.includes("0000000100000000000000AA"));
  assert.ok(!listed.stdout.includes("000000010000000000000099"));
});
