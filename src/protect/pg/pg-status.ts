import type { Repository } from "../../repository/repository.js";
import { pgCatalog } from "./pg-catalog.js";

export interface PgStatus {
  readonly environment: string;
  readonly database: string;
  readonly baseBackups: readonly { snapshot: string; finishedAt: string; size: number }[];
  readonly walFiles: number;
  readonly newestWal: string | null;
  /** The newest instant every commit up to which is archived (last segment's closedAt). */
  readonly recoverableUntil: string | null;
  /** Median and worst seconds from a segment's last write to its archiving. */
  readonly archiveLagSeconds: { readonly median: number; readonly max: number } | null;
}

/** What is protected for one database: base backups, WAL, how far a restore can reach. */
export async function pgStatus(
  repo: Repository,
  environment: string,
  database: string,
): Promise<PgStatus> {
  const catalog = await pgCatalog(repo, environment, database);
  const wal = [...catalog.wal.values()].filter((w) => w.name.kind === "segment");
  wal.sort((a, b) => a.fields.file.localeCompare(b.fields.file));
  const lags = wal
    .map((w) => (Date.parse(w.fields.archivedAt) - Date.parse(w.fields.closedAt)) / 1000)
    .sort((a, b) => a - b);
  const newest = wal.at(-1);
  return {
    environment,
    database,
    baseBackups: catalog.bases.map((b) => ({
      snapshot: b.snapshot.id,
      finishedAt: b.fields.finishedAt,
      size: b.snapshot.size,
    })),
    walFiles: catalog.wal.size,
    newestWal: newest?.fields.file ?? null,
    recoverableUntil: newest?.fields.closedAt ?? null,
    archiveLagSeconds: lags.length
      ? { median: lags[Math.floor(lags.length / 2)]!, max: lags.at(-1)! }
      : null,
  };
}
