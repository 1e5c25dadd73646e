import { z } from "zod";
import type { Repository } from "../../repository/repository.js";
import type { StoredSnapshot } from "../../repository/snapshot/snapshot.js";
import { parseWalName, type WalFileName } from "./wal-names.js";

/**
 * How PostgreSQL protection names its snapshots (docs/pg-protection.md): base backups are
 * stream snapshots of the tar pg_basebackup writes, WAL files one stream snapshot each; both
 * carry `fields.pg` describing them.
 */
export const baseBackupTag = "pg-base";
export const walTag = "pg-wal";

export const baseSource = (environment: string, database: string) =>
  `pg:${environment}/${database}/base`;
export const walSource = (environment: string, database: string, file: string) =>
  `pg:${environment}/${database}/wal/${file}`;

const iso = z.iso.datetime({ offset: true });

export const baseFieldsSchema = z.object({
  environment: z.string(),
  database: z.string(),
  startedAt: iso,
  finishedAt: iso,
  startWalFile: z.string().optional(),
  startLsn: z.string().optional(),
  timeline: z.number().int().optional(),
});
export type BaseBackupFields = z.infer<typeof baseFieldsSchema>;

export const walFieldsSchema = z.object({
  environment: z.string(),
  database: z.string(),
  file: z.string(),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The segment file's last write: every commit before it is in this file or an earlier one. */
  closedAt: iso,
  /** When the file was durably in the repository (the snapshot commit returned). */
  archivedAt: iso,
});
export type WalFields = z.infer<typeof walFieldsSchema>;

export interface BaseBackupEntry {
  readonly snapshot: StoredSnapshot;
  readonly fields: BaseBackupFields;
}

export interface WalEntry {
  readonly snapshot: StoredSnapshot;
  readonly fields: WalFields;
  readonly name: WalFileName;
}

export interface PgCatalog {
  /** Oldest first by finish time. */
  readonly bases: readonly BaseBackupEntry[];
  /** By file name; when a file was archived twice (a retried segment), the newest copy. */
  readonly wal: ReadonlyMap<string, WalEntry>;
}

/** Lists one database's base backups and archived WAL files. Reads only. */
export async function pgCatalog(
  repo: Repository,
  environment: string,
  database: string,
): Promise<PgCatalog> {
  const bases: BaseBackupEntry[] = [];
  const wal = new Map<string, WalEntry>();
  for (const snapshot of await repo.listSnapshots()) {
    const pg = snapshot.fields.pg;
    if (snapshot.tags.includes(baseBackupTag)) {
      const parsed = baseFieldsSchema.safeParse(pg);
      if (!parsed.success) continue;
      if (parsed.data.environment !== environment || parsed.data.database !== database) continue;
      bases.push({ snapshot, fields: parsed.data });
    } else if (snapshot.tags.includes(walTag)) {
      const parsed = walFieldsSchema.safeParse(pg);
      if (!parsed.success) continue;
      const fields = parsed.data;
      if (fields.environment !== environment || fields.database !== database) continue;
      const name = parseWalName(fields.file);
      if (name === undefined) continue;
      const seen = wal.get(fields.file);
      if (seen === undefined || seen.fields.archivedAt < fields.archivedAt) {
        wal.set(fields.file, { snapshot, fields, name });
      }
    }
  }
  bases.sort((a, b) => Date.parse(a.fields.finishedAt) - Date.parse(b.fields.finishedAt));
  return { bases, wal };
}
