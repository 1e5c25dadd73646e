/**
 * PostgreSQL RPO under a steady write load (docs/pg-protection.md): a real cluster whose
 * archive_command is the built CLI, a writer committing one row every `intervalMs`, and a
 * sampler that every second asks the repository how far the archive reaches. The data a
 * failure at that moment would lose is `now − recoverableUntil`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Secret } from "../src/model/secret.js";
import { pgStatus } from "../src/protect/pg/pg-status.js";
import { FsBackend } from "../src/repository/backends/fs-backend.js";
import { Repository } from "../src/repository/repository.js";
import { startPgCluster, writeProtectionConfig } from "../test/harness/pg-cluster.js";

const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

export interface PgRpoBenchResult {
  readonly archiveTimeoutSeconds: number;
  readonly loadSeconds: number;
  readonly rowsWritten: number;
  readonly segmentsArchived: number;
  /** Data-loss window sampled once a second during the load: median, p95, max (seconds). */
  readonly rpoSeconds: { readonly median: number; readonly p95: number; readonly max: number };
  /** Per segment: last write → durably archived (seconds). */
  readonly archiveLagSeconds: { readonly median: number; readonly max: number } | null;
}

export async function runPgRpoBench(
  options: { archiveTimeoutSeconds: number; loadSeconds: number; intervalMs: number },
  log: (line: string) => void,
): Promise<PgRpoBenchResult> {
  const cluster = await startPgCluster((base) => ({
    archive_mode: "on",
    archive_command: `'${process.execPath} ${cli} pg archive-wal %p %f --config ${base}/lifeboat.yaml'`,
    archive_timeout: String(options.archiveTimeoutSeconds),
  }));
  const db = new pg.Client({ connectionString: cluster.url });
  try {
    writeProtectionConfig(cluster, "bench", `${options.archiveTimeoutSeconds * 2}s`);
    // The default key derivation (calibrated scrypt) on purpose: archive-wal pays it per segment.
    const repo = await Repository.init(
      new FsBackend(join(cluster.base, "repo")),
      new Secret("bench"),
    );
    await repo.close();
    if (cluster.user) {
      spawnSync("chown", [
        "-R",
        `${cluster.user.uid}:${cluster.user.gid}`,
        join(cluster.base, "repo"),
      ]);
    }
    const reader = await Repository.open(
      new FsBackend(join(cluster.base, "repo")),
      new Secret("bench"),
    );
    await db.connect();
    await db.query("CREATE TABLE load (id bigserial PRIMARY KEY, ts timestamptz, pad text)");
    // As in a real set-up: a base backup first (it also switches the WAL segment).
    const base = spawnSync(
      process.execPath,
      [cli, "pg", "basebackup", "--config", join(cluster.base, "lifeboat.yaml"), "--json"],
      { ...cluster.user, encoding: "utf8" },
    );
    if (base.status !== 0) throw new Error(`pg basebackup failed: ${base.stdout} ${base.stderr}`);
    log(
      `pg rpo: ${options.loadSeconds} s of load, archive_timeout ${options.archiveTimeoutSeconds} s…`,
    );
    const end = Date.now() + options.loadSeconds * 1000;
    let rows = 0;
    const writer = (async () => {
      while (Date.now() < end) {
        await db.query("INSERT INTO load (ts, pad) VALUES (clock_timestamp(), repeat('x', 200))");
        rows++;
        await new Promise((r) => setTimeout(r, options.intervalMs));
      }
    })();
    const samples: number[] = [];
    // Sample only once the archive has caught up with the start (the first segment).
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 1000));
      const status = await pgStatus(reader, "shop", "main");
      if (status.recoverableUntil)
        samples.push((Date.now() - Date.parse(status.recoverableUntil)) / 1000);
    }
    await writer;
    const archiver = await db.query(
      "SELECT archived_count, failed_count, last_archived_wal, last_failed_wal, pg_current_wal_lsn() AS lsn FROM pg_stat_archiver",
    );
    log(`  archiver: ${JSON.stringify(archiver.rows[0])}`);
    const status = await pgStatus(reader, "shop", "main");
    await reader.close();
    if (status.walFiles < 3) log(`no WAL was archived; server log:\n${cluster.log().slice(-3000)}`);
    samples.sort((a, b) => a - b);
    const at = (q: number) =>
      samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
    return {
      archiveTimeoutSeconds: options.archiveTimeoutSeconds,
      loadSeconds: options.loadSeconds,
      rowsWritten: rows,
      segmentsArchived: status.walFiles,
      rpoSeconds: { median: at(0.5), p95: at(0.95), max: samples.at(-1) ?? NaN },
      archiveLagSeconds: status.archiveLagSeconds,
    };
  } finally {
    await db.end().catch(() => undefined);
    await cluster.stop();
  }
}
