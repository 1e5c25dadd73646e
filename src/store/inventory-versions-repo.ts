import type { Selectable } from "kysely";
import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import { decodeInteger, decodeJson, decodeTime, encodeJson, encodeTime } from "./codec.js";
import { environmentNotFound } from "./environments-repo.js";
import type { InventoryVersionsTable } from "./schema.js";
import type { StoreSession } from "./store.js";

const countsSchema = z.record(z.string(), z.number().int().nonnegative());

/**
 * One captured inventory of an environment: the index entry for an immutable, encrypted
 * snapshot in the repository. Versions count up from 1 per environment with no gaps. A capture
 * identical to the latest (same digest) should not add a version but move `lastSeenAt`:
 * {@link recordInventoryCapture} does exactly that.
 */
export interface InventoryVersionRecord {
  readonly environment: string;
  readonly version: number;
  readonly capturedAt: Date;
  /** The last capture that found this same inventory (RPO of the configuration). */
  readonly lastSeenAt: Date;
  /** Content digest of the normalised inventory. */
  readonly digest: string;
  /** The repository snapshot holding the inventory. */
  readonly snapshotId: string;
  /** Number of resources per kind, e.g. `{ "network": 1, "instance": 4 }`. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * Absent for captures of the environment's primary. A labelled version (`copy:<run id>`: a
   * failback's capture of the copy) is listed and can be read and compared by number, but is
   * never the latest: recoveries and "unchanged" checks see the primary's versions only.
   */
  readonly label?: string;
}

export interface NewInventoryVersion {
  readonly environment: string;
  readonly capturedAt?: Date;
  readonly digest: string;
  readonly snapshotId: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly label?: string;
}

/**
 * Records the next version (latest + 1) of an environment's inventory, atomically: concurrent
 * appends for one environment are serialised (PostgreSQL: row lock on the environment;
 * SQLite: the write lock), so versions never collide or skip. Unknown environment →
 * `LB_ENV_NOT_FOUND`.
 */
export async function appendInventoryVersion(
  s: StoreSession,
  input: NewInventoryVersion,
): Promise<InventoryVersionRecord> {
  const counts = encodeJson(input.counts, countsSchema);
  const capturedAt = encodeTime(input.capturedAt ?? s.now());
  return await s.transaction(async (tx) => {
    await lockEnvironment(tx, input.environment);
    const { latest } = await tx.db
      .selectFrom("inventory_versions")
      .select((eb) => eb.fn.max("version").as("latest"))
      .where("environment", "=", input.environment)
      .executeTakeFirstOrThrow();
    const row = await tx.db
      .insertInto("inventory_versions")
      .values({
        environment: input.environment,
        version: (latest ?? 0) + 1,
        captured_at: capturedAt,
        last_seen_at: capturedAt,
        digest: input.digest,
        snapshot_id: input.snapshotId,
        counts_json: counts,
        label: input.label ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toInventoryVersion(row);
  });
}

/**
 * Records a capture: when its digest equals the latest version's, moves that version's
 * `lastSeenAt` and returns it with `created: false`; otherwise appends a new version
 * (`created: true`). Atomic, so two concurrent identical captures add one version at most.
 * A labelled capture is compared with the version of the same label instead: one exists →
 * returned as it is (`created: false`), so recording it again (a resumed step) adds nothing.
 */
export async function recordInventoryCapture(
  s: StoreSession,
  input: NewInventoryVersion,
): Promise<{ readonly version: InventoryVersionRecord; readonly created: boolean }> {
  return await s.transaction(async (tx) => {
    await lockEnvironment(tx, input.environment);
    if (input.label !== undefined) {
      const row = await tx.db
        .selectFrom("inventory_versions")
        .selectAll()
        .where("environment", "=", input.environment)
        .where("label", "=", input.label)
        .executeTakeFirst();
      if (row) return { version: toInventoryVersion(row), created: false };
      return { version: await appendInventoryVersion(tx, input), created: true };
    }
    const latest = await latestInventoryVersion(tx, input.environment);
    if (latest?.digest === input.digest) {
      const seenAt = input.capturedAt ?? tx.now();
      return {
        version: await markInventoryVersionSeen(tx, input.environment, latest.version, seenAt),
        created: false,
      };
    }
    return { version: await appendInventoryVersion(tx, input), created: true };
  });
}

export async function getInventoryVersion(
  s: StoreSession,
  environment: string,
  version: number,
): Promise<InventoryVersionRecord | undefined> {
  const row = await s.db
    .selectFrom("inventory_versions")
    .selectAll()
    .where("environment", "=", environment)
    .where("version", "=", version)
    .executeTakeFirst();
  return row && toInventoryVersion(row);
}

/** The newest version of the environment's primary (labelled versions are skipped). */
export async function latestInventoryVersion(
  s: StoreSession,
  environment: string,
): Promise<InventoryVersionRecord | undefined> {
  const row = await s.db
    .selectFrom("inventory_versions")
    .selectAll()
    .where("environment", "=", environment)
    .where("label", "is", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return row && toInventoryVersion(row);
}

/** Versions of an environment, newest first; `beforeVersion` pages back through history. */
export async function listInventoryVersions(
  s: StoreSession,
  environment: string,
  page: { readonly beforeVersion?: number; readonly limit?: number } = {},
): Promise<InventoryVersionRecord[]> {
  let query = s.db
    .selectFrom("inventory_versions")
    .selectAll()
    .where("environment", "=", environment)
    .orderBy("version", "desc");
  if (page.beforeVersion !== undefined) query = query.where("version", "<", page.beforeVersion);
  if (page.limit !== undefined) query = query.limit(page.limit);
  return (await query.execute()).map(toInventoryVersion);
}

/**
 * Notes that a capture at `at` found this version unchanged. Never moves `lastSeenAt`
 * backwards. Missing version → `LB_VERSION_NOT_FOUND`.
 */
export async function markInventoryVersionSeen(
  s: StoreSession,
  environment: string,
  version: number,
  at: Date = s.now(),
): Promise<InventoryVersionRecord> {
  const seen = encodeTime(at);
  await s.db
    .updateTable("inventory_versions")
    .set({ last_seen_at: seen })
    .where("environment", "=", environment)
    .where("version", "=", version)
    .where("last_seen_at", "<", seen)
    .execute();
  const record = await getInventoryVersion(s, environment, version);
  if (!record) {
    throw new LifeboatError(
      "LB_VERSION_NOT_FOUND",
      `environment ${environment} has no inventory version ${version}`,
      { details: { environment, version } },
    );
  }
  return record;
}

/**
 * Serialises version changes per environment until the transaction ends: a row lock on
 * PostgreSQL; on SQLite the transaction already holds the database's write lock.
 */
async function lockEnvironment(tx: StoreSession, environment: string): Promise<void> {
  let query = tx.db.selectFrom("environments").select("name").where("name", "=", environment);
  if (tx.dialect === "postgres") query = query.forUpdate();
  if (!(await query.executeTakeFirst())) throw environmentNotFound(environment);
}

function toInventoryVersion(row: Selectable<InventoryVersionsTable>): InventoryVersionRecord {
  const at = (column: string) => ({
    table: "inventory_versions",
    column,
    key: `${row.environment}@${row.version}`,
  });
  return {
    environment: row.environment,
    version: decodeInteger(row.version, at("version")),
    capturedAt: decodeTime(row.captured_at, at("captured_at")),
    lastSeenAt: decodeTime(row.last_seen_at, at("last_seen_at")),
    digest: row.digest,
    snapshotId: row.snapshot_id,
    counts: decodeJson(row.counts_json, countsSchema, at("counts_json")),
    ...(row.label === null ? {} : { label: row.label }),
  };
}
