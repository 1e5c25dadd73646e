import { strict as assert } from "node:assert";
import { test } from "node:test";
import { SharedBackends } from "./shared-backend.js";

test("concurrent acquirers of one key share one value, closed after the last release", async () => {
  const closed: string[] = [];
  let opened = 0;
  const backends = new SharedBackends<string>(async (value) => void closed.push(value));
  const open = async () => `db${++opened}`;
  const [a, b] = await Promise.all([backends.acquire("k", open), backends.acquire("k", open)]);
  assert.equal(opened, 1);
  assert.equal(a.value, b.value);
  await a.release();
  await a.release(); // idempotent: must not drop b's reference
  assert.deepEqual(closed, []);
  await b.release();
  assert.deepEqual(closed, ["db1"]);
  const c = await backends.acquire("k", open);
  assert.equal(c.value, "db2", "a fully released key opens afresh");
  await c.release();
});

test("a failed open is not cached", async () => {
  const backends = new SharedBackends<string>(async () => undefined);
  await assert.rejects(
    backends.acquire("k", async () => {
      throw new Error("cannot open");
    }),
    /cannot open/,
  );
  const handle = await backends.acquire("k", async () => "ok");
  assert.equal(handle.value, "ok");
  await handle.release();
});
