import { strict as assert } from "node:assert";
import { test } from "node:test";
import { filterSnapshots, findSnapshot, selectAt } from "./select-snapshot.js";
import type { StoredSnapshot } from "./snapshot.js";

const snap = (id: string, time: string, extra: Partial<StoredSnapshot> = {}): StoredSnapshot => ({
  id: id.padEnd(64, "0"),
  version: 1,
  time,
  host: "h",
  username: "u",
  tags: [],
  kind: "file",
  source: "/srv",
  size: 0,
  root: "0".repeat(64),
  fields: {},
  ...extra,
});

const a = snap("aaaa1111", "2026-01-01T00:00:00.000Z", { tags: ["daily"] });
const b = snap("aaaa2222", "2026-01-02T00:00:00.000Z", {
  kind: "image",
  tags: ["daily", "env:shop"],
});
const c = snap("bbbb3333", "2026-01-03T00:00:00.000Z", { host: "other" });
const all = [c, a, b];

test("--at picks the newest snapshot at or before the time", () => {
  assert.equal(selectAt(all, new Date("2026-01-02T00:00:00.000Z"))?.id, b.id);
  assert.equal(selectAt(all, new Date("2026-01-02T23:59:59.999Z"))?.id, b.id);
  assert.equal(selectAt(all, new Date("2027-01-01T00:00:00.000Z"))?.id, c.id);
  assert.equal(selectAt(all, new Date("2025-12-31T23:59:59.999Z")), undefined);
});

test("filters combine; all tags must be present; results are oldest first", () => {
  assert.deepEqual(
    filterSnapshots(all, { tags: ["daily"] }).map((s) => s.id),
    [a.id, b.id],
  );
  assert.deepEqual(
    filterSnapshots(all, { tags: ["daily", "env:shop"] }).map((s) => s.id),
    [b.id],
  );
  assert.deepEqual(
    filterSnapshots(all, { kind: "file", host: "h" }).map((s) => s.id),
    [a.id],
  );
  assert.deepEqual(
    filterSnapshots(all).map((s) => s.id),
    [a.id, b.id, c.id],
  );
});

test("latest, full ids and unique prefixes resolve; short or ambiguous ones do not", () => {
  assert.equal((findSnapshot(all, "latest") as StoredSnapshot).id, c.id);
  assert.equal((findSnapshot(all, "bbbb3333") as StoredSnapshot).id, c.id);
  assert.equal(findSnapshot(all, "aaaa"), undefined, "prefixes need 8 characters");
  assert.equal(findSnapshot(all, "aaaa1111"), a);
  assert.equal(findSnapshot([a, snap("aaaa1111f", a.time)], "aaaa1111"), "ambiguous");
  assert.equal(findSnapshot(all, "zzzzzzzz"), undefined);
  assert.equal(findSnapshot([], "latest"), undefined);
});
