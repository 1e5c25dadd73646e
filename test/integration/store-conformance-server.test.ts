/**
 * State store conformance, the server's part (same tests on SQLite and PostgreSQL): API tokens
 * (hash only, revocation) and the named leases that elect the scheduler.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import {
  apiTokenHash,
  authenticateApiToken,
  issueApiToken,
  listApiTokens,
  revokeApiToken,
} from "../../src/store/api-tokens-repo.js";
import { acquireLease, leaseHolder, releaseLease } from "../../src/store/named-lease.js";
import { describeStoreConformance, manualClock, rejectsWith } from "./store-targets.js";

describeStoreConformance("state store conformance (server)", ({ open }) => {
  test("tokens: issued once, only the hash stored, revoked tokens authenticate nothing", async () => {
    const clock = manualClock();
    const store = await open(undefined, { now: clock.now });
    const a = await issueApiToken(store, { name: "ci", tenant: "team-a", role: "operator" });
    const b = await issueApiToken(store, { name: "ops", tenant: "team-b", role: "admin" });
    assert.match(a.token, /^lbt_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.token, b.token);
    const rows = await store.db.selectFrom("api_tokens").selectAll().execute();
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.ok(!JSON.stringify(row).includes(a.token.slice(4)), "the token itself is not stored");
    }
    assert.ok(rows.some((r) => r.hash === apiTokenHash(a.token)));

    const found = await authenticateApiToken(store, a.token);
    assert.equal(found?.id, a.record.id);
    assert.equal(found?.tenant, "team-a");
    assert.equal(found?.role, "operator");
    assert.deepEqual(found?.lastUsedAt, clock.now());
    assert.equal(await authenticateApiToken(store, `${a.token}x`), undefined);
    assert.equal(await authenticateApiToken(store, "not-a-token"), undefined);

    assert.deepEqual(
      (await listApiTokens(store, { tenant: "team-b" })).map((t) => t.name),
      ["ops"],
    );
    clock.advance(1000);
    const revoked = await revokeApiToken(store, a.record.id);
    assert.deepEqual(revoked.revokedAt, clock.now());
    assert.equal(await authenticateApiToken(store, a.token), undefined);
    clock.advance(1000);
    assert.deepEqual((await revokeApiToken(store, a.record.id)).revokedAt, revoked.revokedAt);
    await rejectsWith(revokeApiToken(store, "tok_nope"), "LB_TOKEN_NOT_FOUND");
    assert.equal((await listApiTokens(store)).length, 2);
  });

  test("leases: one holder; renewal keeps it; expiry or release hands it over", async () => {
    const clock = manualClock();
    const store = await open(undefined, { now: clock.now });
    assert.equal(await acquireLease(store, "scheduler", "p1", 10_000), true);
    assert.equal(await acquireLease(store, "scheduler", "p2", 10_000), false);
    clock.advance(5_000);
    assert.equal(await acquireLease(store, "scheduler", "p1", 10_000), true, "renewed");
    clock.advance(9_000);
    assert.equal(await acquireLease(store, "scheduler", "p2", 10_000), false, "renewal counted");
    const held = await leaseHolder(store, "scheduler");
    assert.equal(held?.owner, "p1");
    assert.deepEqual(held?.acquiredAt, new Date(Date.parse("2026-03-01T10:00:00.000Z")));
    clock.advance(1_000);
    assert.equal(await acquireLease(store, "scheduler", "p2", 10_000), true, "expired: taken over");
    assert.equal((await leaseHolder(store, "scheduler"))?.owner, "p2");
    assert.equal(await acquireLease(store, "scheduler", "p1", 10_000), false);
    await releaseLease(store, "scheduler", "p1");
    assert.equal((await leaseHolder(store, "scheduler"))?.owner, "p2", "only the holder releases");
    await releaseLease(store, "scheduler", "p2");
    assert.equal(await leaseHolder(store, "scheduler"), undefined);
    assert.equal(await acquireLease(store, "scheduler", "p1", 10_000), true);
  });

  test("leases: of many concurrent takers of a free lease exactly one wins", async () => {
    const store = await open();
    const wins = await Promise.all(
      Array.from({ length: 8 }, (_, i) => acquireLease(store, "race", `p${i}`, 60_000)),
    );
    assert.equal(wins.filter(Boolean).length, 1);
  });
});
