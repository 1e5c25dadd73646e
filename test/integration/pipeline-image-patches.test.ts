/**
 * Changed-range image backups stored as patches (docs/repository-format.md, "Trees"): rounds
 * of scattered writes on a real image file, each backed up from its changed ranges, restored
 * and read back byte for byte; what is uploaded follows the change; the consolidation bound;
 * forget + prune keep every patch; copy carries them to a second repository.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openBaseImage } from "../../src/protect/base-image.js";
import { changedChunkRanges } from "../../src/protect/stage-blocks.js";
import { backup, type BackupResult } from "../../src/repository/archiver/backup.js";
import { mergeRanges } from "../../src/repository/archiver/image-patch-plan.js";
import { MAX_PATCHES_PER_CHUNK } from "../../src/repository/archiver/image-patches.js";
import { checkRepository } from "../../src/repository/check.js";
import { saveJsonObject } from "../../src/repository/json-object.js";
import { xorshift32, xorshiftBytes } from "../../src/repository/chunker/golden-input.js";
import { copySnapshots } from "../../src/repository/copy.js";
import { prune } from "../../src/repository/prune.js";
import type { Repository } from "../../src/repository/repository.js";
import { BlobReader } from "../../src/repository/restorer/blob-reader.js";
import { ImageReader } from "../../src/repository/restorer/read-image.js";
import { restore } from "../../src/repository/restorer/restore.js";
import { writeContent } from "../../src/repository/restorer/write-content.js";
import { fsPlace, initRepo, type BackendPlace } from "./repo-fixture.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const startSize = 32 * MiB;
const slack = 64 * KiB;
let dir: string;
let image: string;
let place: BackendPlace;
let repo: Repository;
const snapshots: string[] = [];
const rnd = xorshift32(2026);

interface Write {
  readonly offset: number;
  readonly length: number;
  readonly zero?: boolean;
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Applies the writes to the image file (random bytes, or zeros) and returns them as ranges. */
async function applyWrites(writes: readonly Write[]): Promise<Write[]> {
  const handle = await open(image, "r+");
  for (const [k, w] of writes.entries()) {
    const data = w.zero ? new Uint8Array(w.length) : xorshiftBytes(w.length, rnd() + k);
    await handle.write(data, 0, w.length, w.offset);
  }
  await handle.close();
  return [...writes];
}

function scattered(count: number, size: number, hot: readonly number[] = []): Write[] {
  return Array.from({ length: count }, (_, k) => {
    const length = 512 + (rnd() % (8 * KiB));
    // Every third write lands on an earlier offset (overlapping an earlier patch).
    const base = hot.length > 0 && k % 3 === 0 ? hot[rnd() % hot.length]! + (rnd() % 2048) : null;
    const offset = Math.min(base ?? rnd() % size, size - length);
    return { offset, length, zero: k % 7 === 3 };
  });
}

const changedBytes = (writes: readonly Write[], size: number) =>
  mergeRanges(writes, size).reduce((n, r) => n + r.length, 0);

/** Backs up the image from `writes`, then proves the snapshot equals the file. */
async function roundTrip(writes: readonly Write[]): Promise<BackupResult> {
  const result = await backup(repo, {
    source: image,
    kind: "image",
    changedRanges: writes.map(({ offset, length }) => ({ offset, length })),
  });
  assert.equal(result.parent, snapshots.at(-1));
  snapshots.push(result.snapshot);
  await assertSnapshotEquals(repo, result.snapshot);
  return result;
}

async function assertSnapshotEquals(from: Repository, snapshot: string): Promise<void> {
  const expected = await readFile(image);
  const out = join(dir, `restored-${snapshot.slice(0, 8)}.img`);
  await restore(from, { snapshot, target: out });
  const restored = await readFile(out);
  assert.equal(restored.length, expected.length);
  assert.equal(sha256(restored), sha256(expected), `snapshot ${snapshot} restores identically`);
  await rm(out);
  const reader = await ImageReader.open(from, await from.loadSnapshot(snapshot));
  for (let k = 0; k < 12; k++) {
    const length = 1 + (rnd() % (3 * MiB));
    const offset = rnd() % (expected.length - length);
    const got = await reader.read(offset, length);
    assert.ok(Buffer.from(got).equals(expected.subarray(offset, offset + length)));
  }
}

async function layoutOf(snapshot: string) {
  return (await ImageReader.open(repo, await repo.loadSnapshot(snapshot))).layout;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-image-patches-"));
  image = join(dir, "disk.img");
  const handle = await open(image, "w");
  await handle.truncate(startSize);
  for (let i = 0; i < startSize / MiB; i++) {
    if (i === 5 || i === 6) continue; // holes: a patch may land on one
    await handle.write(xorshiftBytes(MiB, 100 + i), 0, MiB, i * MiB);
  }
  await handle.close();
  place = await fsPlace();
  repo = await initRepo(place);
  const full = await backup(repo, { source: image, kind: "image" });
  snapshots.push(full.snapshot);
  assert.equal((await repo.loadSnapshot(full.snapshot)).version, 1);
});

after(async () => {
  await repo.close();
  await place.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("scattered writes are stored as patches: bytes read and uploaded follow the change", async () => {
  const writes = await applyWrites([
    ...scattered(30, startSize),
    { offset: 3 * MiB - 1000, length: 3000 }, // across a chunk boundary
    { offset: 5 * MiB + 4096, length: 4096 }, // into a hole chunk
  ]);
  const changed = changedBytes(writes, startSize);
  const result = await roundTrip(writes);
  assert.equal(result.bytesRead, changed, "only the changed bytes are read");
  assert.ok(result.bytesUploaded <= changed + slack, `${result.bytesUploaded} ≤ ${changed}+64K`);
  const snap = await repo.loadSnapshot(result.snapshot);
  assert.equal(snap.version, 2, "a snapshot with patches is format version 2");
  const layout = await layoutOf(result.snapshot);
  assert.ok((layout.patches?.length ?? 0) >= mergeRanges(writes, startSize).length);
  assert.equal(layout.positions[5], null, "the hole chunk stays a hole under its patch");

  // Staging compares chunk ids: every patched chunk differs from the parent, no other does.
  const counters = { bytesRead: 0 };
  const previous = await openBaseImage(repo, snapshots[0]!, null, counters);
  const next = await openBaseImage(repo, result.snapshot, null, counters);
  const patched = [...new Set(layout.patches!.map((p) => Math.floor(p.offset / MiB)))];
  const staged = changedChunkRanges(previous, next)!.flatMap((r) =>
    Array.from({ length: r.length / MiB }, (_, k) => r.offset / MiB + k),
  );
  assert.deepEqual(
    staged,
    patched.sort((a, b) => a - b),
  );
});

test("overlapping writes, a grown image and writes past the old end", async () => {
  const grown = startSize + MiB + MiB / 2;
  await truncate(image, grown);
  const hot = (await layoutOf(snapshots.at(-1)!)).patches!.map((p) => p.offset);
  const writes = await applyWrites([
    ...scattered(24, startSize, hot),
    { offset: startSize + 1000, length: 20 * KiB }, // past the old end
    { offset: grown - 5000, length: 5000 },
  ]);
  const changedOld = changedBytes(
    writes.filter((w) => w.offset < startSize),
    startSize,
  );
  const result = await roundTrip(writes);
  // New chunks (the grown 1.5 MiB) are read whole, the rest only where it changed.
  assert.equal(result.bytesRead, changedOld + (grown - startSize));
  assert.ok(result.bytesUploaded <= changedOld + (grown - startSize) + slack);
});

test("a crowded chunk is rewritten whole and loses its patches", async () => {
  const size = startSize + MiB + MiB / 2;
  const before = await layoutOf(snapshots.at(-1)!);
  const chunk = 9;
  const writes = await applyWrites(
    Array.from({ length: MAX_PATCHES_PER_CHUNK + 2 }, (_, k) => ({
      offset: chunk * MiB + k * 20 * KiB,
      length: 100,
    })),
  );
  const others = await applyWrites(scattered(6, 8 * MiB));
  const result = await roundTrip([...writes, ...others]);
  const after = await layoutOf(result.snapshot);
  const inChunk = (p: { offset: number }) => Math.floor(p.offset / MiB) === chunk;
  assert.equal(after.patches!.filter(inChunk).length, 0, "the chunk's patches are dropped");
  assert.notEqual(after.positions[chunk], before.positions[chunk], "with a new base chunk");
  const changed = changedBytes(others, size);
  // One whole chunk, the partial last chunk (re-read on every run), the other changes.
  assert.ok(result.bytesRead <= MiB + MiB / 2 + changed);
  assert.ok(result.bytesUploaded <= MiB + MiB / 2 + changed + slack);
});

test("on a device (holes filled, old bytes underneath) patches land after the zeros", async () => {
  // A block device cannot be sized or left sparse: restore writes zeros into holes, then the
  // patches. A file full of old bytes stands in for the device.
  const snapshot = await repo.loadSnapshot(snapshots.at(-1)!);
  const expected = await readFile(image);
  const device = join(dir, "device.img");
  await writeFile(device, Buffer.alloc(expected.length, 0xa5));
  const reader = await BlobReader.open(repo);
  const [node] = await reader.tree(snapshot.root);
  assert.ok(node !== undefined);
  assert.ok(
    node.patches?.some((p) => p[0] >= 5 * MiB && p[0] < 6 * MiB),
    "a patch on a hole",
  );
  const handle = await open(device, "r+");
  try {
    await writeContent(reader, node, handle, device, { fillHoles: true });
  } finally {
    await handle.close();
  }
  assert.equal(sha256(await readFile(device)), sha256(expected));
  await rm(device);
});

test("a shrunk image drops the chunks and patches past its end", async () => {
  const size = 20 * MiB + 300 * KiB;
  await truncate(image, size);
  const writes = await applyWrites(scattered(10, size));
  const result = await roundTrip(writes);
  const layout = await layoutOf(result.snapshot);
  assert.equal(layout.positions.length, 21);
  assert.ok(layout.patches!.every((p) => p.offset + p.length <= size));
  assert.equal((await checkRepository(repo, { readData: true })).ok, true);
});

test("forget + prune keep every patch of the kept snapshot; copy carries them", async () => {
  const kept = snapshots.at(-1)!;
  const layout = await layoutOf(kept);
  const { index } = await repo.loadIndex();
  const packOf = (hex: string) => index.get(Buffer.from(hex, "hex"))!.packId;
  const basePacks = new Set(layout.positions.filter((p) => p !== null).map((p) => packOf(p!)));
  const patchOnly = new Set(
    layout.patches!.map((p) => packOf(p.id)).filter((p) => !basePacks.has(p)),
  );
  assert.ok(patchOnly.size > 0, "some packs hold only patch blobs");

  for (const id of snapshots.slice(0, -1)) await repo.removeSnapshot(id);
  const pruned = await prune(repo, { marginMs: 0, now: () => Date.now() + 1000 });
  assert.ok(pruned.deleted.length > 0, "prune removed the forgotten snapshots' packs");
  const packs = new Set((await repo.backend.list("data")).map((p) => p.name));
  for (const pack of patchOnly) assert.ok(packs.has(pack), `patch-only pack ${pack} kept`);
  await assertSnapshotEquals(repo, kept);
  assert.equal((await checkRepository(repo, { readData: true })).ok, true);

  const replica = await initRepo(place);
  try {
    const report = await copySnapshots(repo, replica, [kept]);
    const copied = report.copied[0]!.to;
    assert.equal((await replica.loadSnapshot(copied)).version, 2);
    await assertSnapshotEquals(replica, copied);
    assert.equal((await checkRepository(replica, { readData: true })).ok, true);
  } finally {
    await replica.close();
  }

  // A lost pack that only patches use is a finding naming the pack and the snapshot.
  const lost = [...patchOnly][0]!;
  await repo.backend.remove("data", lost);
  const damaged = await checkRepository(repo);
  assert.equal(damaged.ok, false);
  const finding = damaged.errors.find((e) => e.object.endsWith(lost));
  assert.ok(finding, "the lost pack is named");
  assert.deepEqual(finding.snapshots, [kept]);
});

test("a snapshot of a newer format is refused as unsupported, not misread", async () => {
  const current = await repo.loadSnapshot(snapshots.at(-1)!);
  const { id: _id, ...fields } = current;
  const newer = await saveJsonObject(repo.backend, repo.codec, "snapshots", "snapshot", {
    ...fields,
    version: 3,
  });
  try {
    await assert.rejects(repo.loadSnapshot(newer), { code: "LB_REPO_FORMAT_UNSUPPORTED" });
  } finally {
    await repo.removeSnapshot(newer);
  }
});
