/** The repository's end-to-end behaviour on S3 (moto): writers, crash reuse, damage, prune. */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { checkRepository } from "../../src/repository/check.js";
import { loadDocument, saveDocument } from "../../src/repository/json-document.js";
import { BlobType } from "../../src/repository/pack/pack-entry.js";
import { prune } from "../../src/repository/prune.js";
import { repairIndex } from "../../src/repository/repair-index.js";
import { Repository } from "../../src/repository/repository.js";
import type { WriteSession } from "../../src/repository/write-session.js";
import { initRepo, password, s3Place, testOptions, type BackendPlace } from "./repo-fixture.js";

let place: BackendPlace;
before(async () => {
  place = await s3Place();
});
after(() => place.dispose());

async function backup(
  session: WriteSession,
  blobs: readonly Buffer[],
  source: string,
): Promise<string> {
  const content: string[] = [];
  for (const blob of blobs)
    content.push((await session.saveBlob(BlobType.data, blob)).id.toString("hex"));
  const size = blobs.reduce((n, b) => n + b.length, 0);
  const root = await session.saveTree([{ name: source, type: "file", size, content }]);
  return session.commit({ kind: "image", source, root, size });
}

test("s3: concurrent writers, a crashed writer's packs reused, check --read-data clean", async () => {
  const repo = await initRepo(place);
  const other = await Repository.open(repo.backend, password, testOptions);
  const blobs = () => Array.from({ length: 6 }, () => randomBytes(300_000));
  await Promise.all([
    repo.startWrite("a").then((s) => backup(s, blobs(), "a")),
    other.startWrite("b").then((s) => backup(s, blobs(), "b")),
  ]);
  const data = blobs();
  const crashed = await repo.startWrite("crashing", { indexEveryPacks: 1 });
  for (const blob of data.slice(0, 5)) await crashed.saveBlob(BlobType.data, blob);
  await crashed.flushPacks(); // its uploads land, then the process "dies"
  const rerun = await repo.startWrite("rerun");
  await backup(rerun, data, "c");
  assert.equal(rerun.stats.blobsStored, 1 + 1, "only the sixth blob and the tree");
  assert.ok(rerun.stats.blobsReused >= 5, `reused ${rerun.stats.blobsReused}`);
  const report = await checkRepository(repo, { readData: true });
  assert.deepEqual(report.errors, []);
  assert.equal(report.counts.snapshots, 3);
});

test("s3: a damaged pack is named; a lost index is rebuilt; prune frees forgotten data", async () => {
  const repo = await initRepo(place);
  const keep = await saveDocument(repo, { name: "inv", document: { keep: true } });
  const before = new Set((await repo.backend.list("data")).map((p) => p.name));
  const gone = await backup(await repo.startWrite("b"), [randomBytes(200_000)], "vol");
  const packs = (await repo.backend.list("data")).filter((p) => !before.has(p.name));
  const victim = packs.find((p) => p.size > 100_000)!;
  const bytes = Buffer.from(await repo.backend.load("data", victim.name));
  bytes[1000]! ^= 0x20;
  await repo.backend.remove("data", victim.name);
  await repo.backend.save("data", victim.name, bytes);
  const damaged = await checkRepository(repo, { readData: true });
  const finding = damaged.errors.find((f) => f.object.endsWith(victim.name));
  assert.equal(finding?.code, "LB_REPO_PACK_CORRUPT");
  assert.deepEqual(finding?.snapshots, [gone]);
  for (const { name } of await repo.backend.list("index")) await repo.backend.remove("index", name);
  await repairIndex(repo);
  assert.deepEqual(await loadDocument(repo, keep), { keep: true });
  await repo.removeSnapshot(gone);
  const pruned = await prune(repo, { marginMs: 0, now: () => Date.now() + 2000 });
  assert.ok(pruned.deleted.includes(victim.name));
  assert.deepEqual((await checkRepository(repo, { readData: true })).errors, []);
});
