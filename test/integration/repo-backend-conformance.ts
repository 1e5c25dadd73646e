/**
 * The one conformance suite of the repository's `Backend` port (docs/repository-format.md,
 * src/repository/backend.ts). Every backend runs it: fs on a temp directory, s3 on moto.
 */
import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Backend } from "../../src/repository/backend.js";

export interface BackendFixture {
  readonly backend: Backend;
  dispose(): Promise<void>;
}

const nameOf = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal((error as { code?: string }).code, code);
    return true;
  });
}

export function backendConformance(label: string, make: () => Promise<BackendFixture>): void {
  describe(`Backend conformance: ${label}`, () => {
    let fixture: BackendFixture;
    let backend: Backend;
    before(async () => {
      fixture = await make();
      backend = fixture.backend;
    });
    after(async () => {
      await fixture.dispose();
    });

    test("a missing object is a typed not-found on load and stat; remove is idempotent", async () => {
      const name = nameOf(randomBytes(8));
      await rejectsWith(backend.load("index", name), "LB_REPO_OBJECT_MISSING");
      await rejectsWith(
        backend.load("data", name, { offset: 0, length: 4 }),
        "LB_REPO_OBJECT_MISSING",
      );
      await rejectsWith(backend.stat("snapshots", name), "LB_REPO_OBJECT_MISSING");
      await backend.remove("snapshots", name);
    });

    test("save then load returns the same bytes; stat reports the size", async () => {
      const data = randomBytes(1000);
      const name = nameOf(data);
      assert.deepEqual(await backend.save("index", name, data), { created: true });
      assert.deepEqual(Buffer.from(await backend.load("index", name)), data);
      const info = await backend.stat("index", name);
      assert.equal(info.size, 1000);
      assert.equal(info.name, name);
    });

    test("range reads: inside, across the end, past the end, empty", async () => {
      const data = randomBytes(4096);
      const name = nameOf(data);
      await backend.save("data", name, data);
      const mid = await backend.load("data", name, { offset: 100, length: 200 });
      assert.deepEqual(Buffer.from(mid), data.subarray(100, 300));
      const tail = await backend.load("data", name, { offset: 4000, length: 500 });
      assert.deepEqual(Buffer.from(tail), data.subarray(4000));
      assert.equal((await backend.load("data", name, { offset: 5000, length: 10 })).length, 0);
      assert.equal((await backend.load("data", name, { offset: 10, length: 0 })).length, 0);
    });

    test("range reads into a caller's buffer: the same bytes, the buffer reusable", async () => {
      const data = randomBytes(4096);
      const name = nameOf(data);
      await backend.save("data", name, data);
      const into = new Uint8Array(new SharedArrayBuffer(1000)).fill(0xee);
      const mid = await backend.load("data", name, { offset: 100, length: 200 }, into);
      assert.deepEqual(Buffer.from(mid), data.subarray(100, 300));
      // A backend that reads in place fills the buffer from its start and returns a view of it.
      if (mid.buffer === into.buffer) {
        assert.equal(mid.byteOffset, 0);
        assert.deepEqual(Buffer.from(into.subarray(0, 200)), data.subarray(100, 300));
      }
      const again = await backend.load("data", name, { offset: 4000, length: 500 }, into);
      assert.deepEqual(Buffer.from(again), data.subarray(4000));
      // A range longer than the buffer is not read into it.
      const long = await backend.load("data", name, { offset: 0, length: 2000 }, into);
      assert.deepEqual(Buffer.from(long), data.subarray(0, 2000));
      assert.notEqual(long.buffer, into.buffer);
    });

    test("saving an existing name leaves the stored object untouched", async () => {
      const first = randomBytes(64);
      const name = nameOf(first);
      assert.equal((await backend.save("snapshots", name, first)).created, true);
      const second = randomBytes(80);
      assert.equal((await backend.save("snapshots", name, second)).created, false);
      assert.deepEqual(Buffer.from(await backend.load("snapshots", name)), first);
      assert.equal((await backend.save("config", "config", first)).created, true);
      assert.equal((await backend.save("config", "config", second)).created, false);
      assert.deepEqual(Buffer.from(await backend.load("config", "config")), first);
    });

    test("list after many saves returns exactly what was saved, per type", async () => {
      const saved = new Map<string, number>();
      const blobs = Array.from({ length: 150 }, (_, i) => randomBytes(10 + i));
      await Promise.all(
        blobs.map(async (data) => {
          const name = nameOf(data);
          saved.set(name, data.length);
          await backend.save("locks", name, data);
        }),
      );
      const listed = await backend.list("locks");
      assert.equal(listed.length, saved.size);
      for (const info of listed) assert.equal(info.size, saved.get(info.name));
      assert.ok(listed.every((info) => info.modified instanceof Date));
      assert.deepEqual(await backend.list("keys"), []);
      const configs = await backend.list("config");
      assert.deepEqual(
        configs.map((c) => c.name),
        ["config"],
      );
    });

    test("data objects are listed across their fan-out folders", async () => {
      const before = new Set((await backend.list("data")).map((i) => i.name));
      const names = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const data = randomBytes(32);
          await backend.save("data", nameOf(data), data);
          return nameOf(data);
        }),
      );
      const after = new Set((await backend.list("data")).map((i) => i.name));
      for (const name of names) assert.ok(after.has(name));
      assert.equal(after.size, before.size + names.length);
    });

    test("list with modifiedSince keeps every object modified since (a hint: it may keep more)", async () => {
      const data = randomBytes(32);
      await backend.save("data", nameOf(data), data);
      const all = await backend.list("data");
      const saved = all.find((i) => i.name === nameOf(data))!;
      const since = await backend.list("data", { modifiedSince: saved.modified.getTime() });
      assert.ok(since.some((i) => i.name === nameOf(data)));
      const names = new Set(all.map((i) => i.name));
      for (const info of since) assert.ok(names.has(info.name));
    });

    test("concurrent saves of one name: exactly one creates, the content is whole", async () => {
      const data = randomBytes(256 * 1024);
      const name = nameOf(data);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => backend.save("data", name, data)),
      );
      assert.ok(results.filter((r) => r.created).length >= 1);
      assert.deepEqual(Buffer.from(await backend.load("data", name)), data);
    });

    test("remove deletes; the object is gone from load and list", async () => {
      const data = randomBytes(100);
      const name = nameOf(data);
      await backend.save("keys", name, data);
      await backend.remove("keys", name);
      await rejectsWith(backend.load("keys", name), "LB_REPO_OBJECT_MISSING");
      assert.ok(!(await backend.list("keys")).some((i) => i.name === name));
    });

    test("a large object (multipart on S3) round-trips, also by range across parts", async () => {
      const data = randomBytes(21 * 1024 * 1024);
      const name = nameOf(data);
      assert.equal((await backend.save("data", name, data)).created, true);
      assert.equal(nameOf(await backend.load("data", name)), name);
      const span = await backend.load("data", name, { offset: 8 * 1024 * 1024 - 10, length: 20 });
      assert.deepEqual(
        Buffer.from(span),
        data.subarray(8 * 1024 * 1024 - 10, 8 * 1024 * 1024 + 10),
      );
      assert.equal((await backend.stat("data", name)).size, data.length);
      assert.equal((await backend.save("data", name, data)).created, false);
    });
  });
}
