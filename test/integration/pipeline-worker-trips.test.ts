/**
 * How many worker trips the blob pipeline spends per chunk: a full backup hashes and seals a new
 * chunk in one trip once new chunks keep coming, and a re-read of unchanged data seals nothing.
 * Both are CPU a user pays on every backup, so the counts are pinned here.
 */
import * as assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { newCounters } from "../../src/repository/archiver/backup-progress.js";
import { BlobPipeline } from "../../src/repository/archiver/blob-pipeline.js";
import { BlobWorkerPool } from "../../src/repository/archiver/blob-worker-pool.js";
import { xorshiftBytes } from "../../src/repository/chunker/golden-input.js";
import type { Repository } from "../../src/repository/repository.js";
import { fsPlace, initRepo, type BackendPlace } from "./repo-fixture.js";

/** A real pool that counts its store jobs: [hash only, hash and seal]. */
class CountingPool extends BlobWorkerPool {
  readonly trips = { hash: 0, seal: 0 };
  override run(plain: Uint8Array, seal: boolean, output?: Uint8Array) {
    this.trips[seal ? "seal" : "hash"]++;
    return super.run(plain, seal, output);
  }
}

const chunkSize = 64 * 1024;
const chunks = Array.from({ length: 40 }, (_, i) => xorshiftBytes(chunkSize, 100 + i));

let place: BackendPlace;
let repo: Repository;
before(async () => {
  place = await fsPlace();
  repo = await initRepo(place);
});
after(() => place.dispose());

async function store(data: readonly Uint8Array[]) {
  const pool = new CountingPool(repo.key, 2);
  const session = await repo.startWrite("test");
  try {
    const pipeline = new BlobPipeline(session, pool, newCounters());
    const ids: Promise<string>[] = [];
    for (const chunk of data) ids.push((await pipeline.submit(new Uint8Array(chunk))).id);
    await pipeline.drain();
    await session.commit({ kind: "image", source: "t", root: new Uint8Array(32), size: 0 });
    return { trips: pool.trips, ids: await Promise.all(ids), stats: session.stats };
  } finally {
    await pool.close();
  }
}

test("new chunks are hashed and sealed in one trip once new ones keep coming", async () => {
  const { trips, ids, stats } = await store(chunks);
  assert.equal(stats.blobsStored, chunks.length);
  assert.equal(new Set(ids).size, chunks.length);
  // Every chunk is sealed once; only the first few took a separate hash trip.
  assert.equal(trips.seal, chunks.length);
  assert.ok(trips.hash <= 8 + 4, `hash-only trips: ${trips.hash}`);
});

test("a re-read of stored chunks seals nothing, and a few new ones seal only themselves", async () => {
  const again = await store(chunks);
  assert.equal(again.stats.blobsStored, 0);
  assert.equal(again.trips.seal, 0);
  assert.equal(again.trips.hash, chunks.length);
  // Two new chunks among known ones: no run of new chunks, so no sealing is wasted.
  const mixed = chunks.slice(0, 20).concat([xorshiftBytes(chunkSize, 1)], chunks.slice(20));
  mixed.splice(30, 0, xorshiftBytes(chunkSize, 2));
  const third = await store(mixed);
  assert.equal(third.stats.blobsStored, 2);
  assert.equal(third.trips.seal, 2);
});
