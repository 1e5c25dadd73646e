import { LifeboatError } from "../model/errors.js";
import { encodeTime } from "./codec.js";
import { requireRun, toRun, type RunRecord } from "./runs-repo.js";
import type { StoreSession } from "./store.js";

/*
 * Run leases: at most one executor drives a run at a time. An executor acquires the lease,
 * renews it well before it expires (e.g. every ttl/3), and releases it when it stops. If the
 * executor crashes, the lease expires and another executor may take the run over and resume
 * it from the journal. Lease changes do not bump the run's revision, so renewing from a timer
 * never makes the executor's own content updates conflict. Times come from the store's clock;
 * executors sharing a PostgreSQL store need clocks that agree to well within the ttl.
 */

/**
 * Takes the run's lease for `owner` until now + `ttlMs` if it is free, expired, or already
 * `owner`'s. Returns the run, or `undefined` when another owner holds an unexpired lease.
 * Missing run → `LB_RUN_NOT_FOUND`.
 */
export async function acquireRunLease(
  s: StoreSession,
  runId: string,
  owner: string,
  ttlMs: number,
): Promise<RunRecord | undefined> {
  const now = encodeTime(s.now());
  const row = await s.db
    .updateTable("runs")
    .set({ lease_owner: owner, lease_expires_at: now + ttlMs })
    .where("id", "=", runId)
    .where((eb) =>
      eb.or([
        eb("lease_owner", "is", null),
        eb("lease_owner", "=", owner),
        eb("lease_expires_at", "<=", now),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  if (row) return toRun(row);
  await requireRun(s, runId);
  return undefined;
}

/**
 * Extends `owner`'s lease to now + `ttlMs` and returns the new expiry. If another owner has
 * taken the run (this one's lease expired), the executor must stop: `LB_STORE_CONFLICT`.
 */
export async function renewRunLease(
  s: StoreSession,
  runId: string,
  owner: string,
  ttlMs: number,
): Promise<Date> {
  const expires = encodeTime(s.now()) + ttlMs;
  const result = await s.db
    .updateTable("runs")
    .set({ lease_expires_at: expires })
    .where("id", "=", runId)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    const run = await requireRun(s, runId);
    throw new LifeboatError("LB_STORE_CONFLICT", `lost the lease on run ${runId}`, {
      details: { runId, owner, leaseOwner: run.leaseOwner },
      retryable: false,
    });
  }
  return new Date(expires);
}

/** Gives the lease up if `owner` holds it; otherwise does nothing. */
export async function releaseRunLease(
  s: StoreSession,
  runId: string,
  owner: string,
): Promise<void> {
  await s.db
    .updateTable("runs")
    .set({ lease_owner: null, lease_expires_at: null })
    .where("id", "=", runId)
    .where("lease_owner", "=", owner)
    .execute();
}

/**
 * Runs that should be moving but have no live executor: `running` or `cancelling`, with no
 * lease or an expired one. An executor starting up resumes these (after acquiring the lease).
 */
export async function listOrphanedRuns(s: StoreSession): Promise<RunRecord[]> {
  const now = encodeTime(s.now());
  const rows = await s.db
    .selectFrom("runs")
    .selectAll()
    .where("phase", "in", ["running", "cancelling"])
    .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_expires_at", "<=", now)]))
    .orderBy("created_at")
    .execute();
  return rows.map(toRun);
}
