import { encodeTime } from "./codec.js";
import type { StoreSession } from "./store.js";

/*
 * Named leases: a row per name saying who holds it until when. `serve` processes sharing a
 * PostgreSQL store use the `scheduler` lease to elect exactly one scheduler: the holder renews
 * it well before it expires (every ttl/3); when the holder dies, the lease expires and the next
 * process to try takes it over. Times come from the store's clock, so processes sharing a store
 * need clocks that agree to well within the ttl (the same rule as run leases).
 */

/** Who holds a named lease, and until when. */
export interface LeaseHolder {
  readonly name: string;
  readonly owner: string;
  readonly acquiredAt: Date;
  readonly expiresAt: Date;
}

/**
 * Takes or renews lease `name` for `owner` until now + `ttlMs` if it is free, expired, or
 * already `owner`'s. Returns true when `owner` holds it afterwards. One statement each, so two
 * processes racing for a free lease cannot both win: the insert of one fails on the primary
 * key, and the update's condition is evaluated under the row lock.
 */
export async function acquireLease(
  s: StoreSession,
  name: string,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  const now = encodeTime(s.now());
  const renewed = await s.db
    .updateTable("leases")
    .set((eb) => ({
      owner,
      expires_at: now + ttlMs,
      acquired_at: eb.case().when("owner", "=", owner).then(eb.ref("acquired_at")).else(now).end(),
    }))
    .where("name", "=", name)
    .where((eb) => eb.or([eb("owner", "=", owner), eb("expires_at", "<=", now)]))
    .executeTakeFirst();
  if (renewed.numUpdatedRows > 0n) return true;
  const inserted = await s.db
    .insertInto("leases")
    .values({ name, owner, acquired_at: now, expires_at: now + ttlMs })
    .onConflict((oc) => oc.column("name").doNothing())
    .returning("owner")
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Gives lease `name` up if `owner` holds it (a clean shutdown hands over at once). */
export async function releaseLease(s: StoreSession, name: string, owner: string): Promise<void> {
  await s.db.deleteFrom("leases").where("name", "=", name).where("owner", "=", owner).execute();
}

/** The current holder of lease `name`, expired or not, if any. */
export async function leaseHolder(s: StoreSession, name: string): Promise<LeaseHolder | undefined> {
  const row = await s.db
    .selectFrom("leases")
    .selectAll()
    .where("name", "=", name)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    name: row.name,
    owner: row.owner,
    acquiredAt: new Date(Number(row.acquired_at)),
    expiresAt: new Date(Number(row.expires_at)),
  };
}
