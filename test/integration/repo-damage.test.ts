import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { Repository } from "../../src/repository/repository.js";
import { exitCodeFor } from "../../src/model/errors.js";
import { checkError, checkRepository } from "../../src/repository/check.js";
import { loadDocument, saveDocument } from "../../src/repository/json-document.js";
import { BlobType, type PackEntry } from "../../src/repository/pack/pack-entry.js";
import { readPackHeader } from "../../src/repository/pack/pack-header.js";
import { prune } from "../../src/repository/prune.js";
import { repairIndex } from "../../src/repository/repair-index.js";
import { saveIndexFile } from "../../src/repository/index/index-file.js";
import { fsPlace, initRepo, type BackendPlace } from "./repo-fixture.js";

let place: BackendPlace;
before(async () => {
  place = await fsPlace();
});
after(() => place.dispose());

/** A repository with two snapshots: a document and a file-like tree with its own packs. */
async function populated(): Promise<{
  repo: Repository;
  doc: string;
  file: string;
  filePacks: string[];
}> {
  const repo = await initRepo(place);
  const doc = await saveDocument(repo, {
    name: "inventory",
    document: { resources: ["vpc-1", "subnet-2"] },
  });
  const packsBefore = new Set((await repo.backend.list("data")).map((p) => p.name));
  const session = await repo.startWrite("backup");
  const content: string[] = [];
  for (let i = 0; i < 6; i++)
    content.push((await session.saveBlob(BlobType.data, randomBytes(300_000))).id.toString("hex"));
  const root = await session.saveTree([
    { name: "disk.img", type: "file", size: 1_800_000, content },
  ]);
  const file = await session.commit({ kind: "image", source: "vol-1", root, size: 1_800_000 });
  const filePacks = (await repo.backend.list("data"))
    .map((p) => p.name)
    .filter((n) => !packsBefore.has(n));
  return { repo, doc, file, filePacks };
}

async function damage(
  repo: Repository,
  pack: string,
  edit: (bytes: Buffer) => Buffer,
): Promise<void> {
  const bytes = Buffer.from(await repo.backend.load("data", pack));
  await repo.backend.remove("data", pack);
  // Bypass content addressing on purpose: the damaged bytes keep the old name, as bit rot does.
  await repo.backend.save("data", pack, edit(bytes));
}

test("a healthy repository checks clean, also with --read-data", async () => {
  const { repo } = await populated();
  const report = await checkRepository(repo, { readData: true });
  assert.deepEqual(report.errors, []);
  assert.equal(report.ok, true);
  assert.equal(report.counts.snapshots, 2);
  assert.equal(report.counts.packsRead, report.counts.packs);
  assert.equal((await checkRepository(repo)).counts.packsRead, 0);
  assert.equal(
    (await checkRepository(repo, { readDataSubset: 1 })).counts.packsRead,
    report.counts.packs,
  );
});

test("a flipped byte in a pack: check --read-data names the pack and the affected snapshot only", async () => {
  const { repo, doc, file, filePacks } = await populated();
  // A data pack: the flipped byte lands inside a 300 kB blob, not in the header.
  let victim = "";
  let entries: PackEntry[] = [];
  for (const pack of filePacks) {
    const size = (await repo.backend.stat("data", pack)).size;
    entries = await readPackHeader(repo.backend, repo.codec, pack, size);
    victim = pack;
    if (entries[0]!.type === BlobType.data) break;
  }
  const target = entries[0]!.offset + 100;
  await damage(repo, victim, (b) => {
    b[target]! ^= 0x01;
    return b;
  });
  const quick = await checkRepository(repo);
  assert.equal(quick.ok, true, "a flipped byte inside a blob needs --read-data to be seen");
  const report = await checkRepository(repo, { readData: true });
  assert.equal(report.ok, false);
  const finding = report.errors.find((f) => f.object === `data/${victim.slice(0, 2)}/${victim}`);
  assert.equal(finding?.code, "LB_REPO_PACK_CORRUPT");
  assert.deepEqual(finding?.snapshots, [file]);
  assert.ok(report.errors.every((f) => !f.snapshots.includes(doc)));
  assert.deepEqual(
    await loadDocument(repo, doc),
    { resources: ["vpc-1", "subnet-2"] },
    "unaffected data restores",
  );
});

test("a truncated pack is found without --read-data", async () => {
  const { repo, file, filePacks } = await populated();
  const victim = filePacks[0]!;
  await damage(repo, victim, (b) => b.subarray(0, b.length - 7));
  const report = await checkRepository(repo);
  const finding = report.errors.find((f) => f.object.endsWith(victim));
  assert.equal(finding?.code, "LB_REPO_PACK_CORRUPT");
  assert.deepEqual(finding?.snapshots, [file]);
});

test("a missing pack is LB_REPO_OBJECT_MISSING naming the pack and the snapshot", async () => {
  const { repo, file, filePacks } = await populated();
  const victim = filePacks[0]!;
  await repo.backend.remove("data", victim);
  const report = await checkRepository(repo);
  const finding = report.errors.find((f) => f.object.endsWith(victim));
  assert.equal(finding?.code, "LB_REPO_OBJECT_MISSING");
  assert.deepEqual(finding?.snapshots, [file]);
  await assert.rejects(prune(repo, { marginMs: 0 }), { code: "LB_REPO_OBJECT_MISSING" });
  const error = checkError(report);
  assert.equal(error?.code, "LB_REPO_OBJECT_MISSING");
  assert.equal(exitCodeFor(error), 4);
  assert.equal(checkError(await checkRepository(await initRepo(place))), undefined);
});

test("a deleted index: check reports lost blobs; repair index rebuilds it from pack headers", async () => {
  const { repo, doc, file } = await populated();
  for (const { name } of await repo.backend.list("index")) await repo.backend.remove("index", name);
  const broken = await checkRepository(repo);
  const finding = broken.errors.find((f) => f.object === "index");
  assert.equal(finding?.code, "LB_REPO_OBJECT_MISSING");
  assert.deepEqual(finding?.snapshots, [doc, file].sort());
  const repaired = await repairIndex(repo);
  assert.equal(repaired.packs, (await repo.backend.list("data")).length);
  assert.deepEqual(repaired.unreadable, []);
  const report = await checkRepository(repo, { readData: true });
  assert.deepEqual(report.errors, []);
  assert.deepEqual(await loadDocument(repo, doc), { resources: ["vpc-1", "subnet-2"] });
});

test("a damaged index file is named; repair index replaces it", async () => {
  const { repo } = await populated();
  const [first] = await repo.backend.list("index");
  const bytes = Buffer.from(await repo.backend.load("index", first!.name));
  bytes[20]! ^= 0xff;
  await repo.backend.remove("index", first!.name);
  await repo.backend.save("index", first!.name, bytes);
  const report = await checkRepository(repo);
  assert.equal(
    report.errors.find((f) => f.object === `index/${first!.name}`)?.code,
    "LB_REPO_INDEX_CORRUPT",
  );
  const repaired = await repairIndex(repo);
  assert.ok(repaired.indexFilesRemoved >= 1);
  assert.equal((await checkRepository(repo)).ok, true);
});

test("an index that disagrees with a pack header is LB_REPO_INDEX_CORRUPT naming the pack", async () => {
  const { repo, file, filePacks } = await populated();
  const { index } = await repo.loadIndex();
  const victim = filePacks[0]!;
  const entries = [...index.entries()].filter((e) => e.packId === victim).map((e) => e.entry);
  for (const { name } of await repo.backend.list("index")) await repo.backend.remove("index", name);
  const others = [...index.entries()].filter((e) => e.packId !== victim);
  const byPack = new Map<string, PackEntry[]>();
  for (const { packId, entry } of others)
    byPack.set(packId, [...(byPack.get(packId) ?? []), entry]);
  const wrong = entries.map((e) => ({ ...e, offset: e.offset + 1 }));
  const ghost = { ...entries[0]!, id: randomBytes(32), offset: 0 };
  await saveIndexFile(repo.backend, repo.codec, [
    ...[...byPack].map(([packId, list]) => ({ packId, entries: list })),
    { packId: victim, entries: [...wrong, ghost] },
  ]);
  const report = await checkRepository(repo);
  const finding = report.errors.find((f) => f.object.endsWith(victim));
  assert.equal(finding?.code, "LB_REPO_INDEX_CORRUPT");
  assert.deepEqual(finding?.snapshots, [file]);
  await repairIndex(repo);
  assert.deepEqual((await checkRepository(repo, { readData: true })).errors, []);
});
