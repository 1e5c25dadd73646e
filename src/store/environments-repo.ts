import type { Selectable } from "kysely";
import { LifeboatError } from "../model/errors.js";
import { decodeInteger, decodeTime, decodeValue, encodeTime } from "./codec.js";
import { isUniqueViolation } from "./db-errors.js";
import { afterOptimisticUpdate } from "./optimistic.js";
import { environmentStatusSchema, type EnvironmentStatus } from "./phases.js";
import type { EnvironmentsTable } from "./schema.js";
import type { StoreSession } from "./store.js";

/** An environment Lifeboat protects, as last applied from the config. */
export interface EnvironmentRecord {
  readonly name: string;
  readonly tenant: string;
  /** Digest of the environment's validated config; a change means the config was edited. */
  readonly configDigest: string;
  readonly status: EnvironmentStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Optimistic-concurrency revision: 1 on create, +1 on every update. */
  readonly revision: number;
}

export interface NewEnvironment {
  readonly name: string;
  readonly tenant?: string;
  readonly configDigest: string;
  readonly status?: EnvironmentStatus;
}

export interface EnvironmentPatch {
  readonly tenant?: string;
  readonly configDigest?: string;
  readonly status?: EnvironmentStatus;
}

/** Creates an environment; one that exists already → `LB_STORE_CONFLICT`. */
export async function createEnvironment(
  s: StoreSession,
  input: NewEnvironment,
): Promise<EnvironmentRecord> {
  const at = encodeTime(s.now());
  try {
    const row = await s.db
      .insertInto("environments")
      .values({
        name: input.name,
        tenant: input.tenant ?? "default",
        config_digest: input.configDigest,
        status: input.status ?? "active",
        created_at: at,
        updated_at: at,
        revision: 1,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEnvironment(row);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new LifeboatError("LB_STORE_CONFLICT", `environment ${input.name} exists already`, {
      cause: error,
      details: { environment: input.name },
      retryable: false,
    });
  }
}

/**
 * Makes the row for a config environment exist and carry the config's digest and tenant. A
 * concurrent writer winning the race is fine: either way the row is there.
 */
export async function ensureEnvironment(
  s: StoreSession,
  name: string,
  wanted: { readonly configDigest: string; readonly tenant: string },
): Promise<void> {
  const existing = await getEnvironment(s, name);
  try {
    if (!existing) await createEnvironment(s, { name, ...wanted });
    else if (existing.configDigest !== wanted.configDigest || existing.tenant !== wanted.tenant) {
      await updateEnvironment(s, name, existing.revision, wanted);
    }
  } catch (error) {
    if (!(error instanceof LifeboatError && error.code === "LB_STORE_CONFLICT")) throw error;
  }
}

export async function getEnvironment(
  s: StoreSession,
  name: string,
): Promise<EnvironmentRecord | undefined> {
  const row = await s.db
    .selectFrom("environments")
    .selectAll()
    .where("name", "=", name)
    .executeTakeFirst();
  return row && toEnvironment(row);
}

/** All environments (of one tenant, if given), by name. */
export async function listEnvironments(
  s: StoreSession,
  filter: { readonly tenant?: string } = {},
): Promise<EnvironmentRecord[]> {
  let query = s.db.selectFrom("environments").selectAll().orderBy("name");
  if (filter.tenant !== undefined) query = query.where("tenant", "=", filter.tenant);
  return (await query.execute()).map(toEnvironment);
}

/**
 * Applies `patch` if the environment is still at `expectedRevision`. Missing →
 * `LB_ENV_NOT_FOUND`; changed since it was read → `LB_STORE_CONFLICT`.
 */
export async function updateEnvironment(
  s: StoreSession,
  name: string,
  expectedRevision: number,
  patch: EnvironmentPatch,
): Promise<EnvironmentRecord> {
  const row = await s.db
    .updateTable("environments")
    .set((eb) => ({
      tenant: patch.tenant,
      config_digest: patch.configDigest,
      status: patch.status,
      updated_at: encodeTime(s.now()),
      revision: eb("revision", "+", 1),
    }))
    .where("name", "=", name)
    .where("revision", "=", expectedRevision)
    .returningAll()
    .executeTakeFirst();
  const updated = await afterOptimisticUpdate(
    row,
    expectedRevision,
    async () => (await getEnvironment(s, name))?.revision,
    () => environmentNotFound(name),
    { environment: name },
  );
  return toEnvironment(updated);
}

export function environmentNotFound(name: string): LifeboatError {
  return new LifeboatError("LB_ENV_NOT_FOUND", `environment ${name} is not in the state store`, {
    details: { environment: name },
  });
}

function toEnvironment(row: Selectable<EnvironmentsTable>): EnvironmentRecord {
  const at = (column: string) => ({ table: "environments", column, key: row.name });
  return {
    name: row.name,
    tenant: row.tenant,
    configDigest: row.config_digest,
    status: decodeValue(row.status, environmentStatusSchema, at("status")),
    createdAt: decodeTime(row.created_at, at("created_at")),
    updatedAt: decodeTime(row.updated_at, at("updated_at")),
    revision: decodeInteger(row.revision, at("revision")),
  };
}
