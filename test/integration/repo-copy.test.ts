import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { checkRepository } from "../../src/repository/check.js";
import { copySnapshots } from "../../src/repository/copy.js";
import { loadDocument, saveDocument } from "../../src/repository/json-document.js";
import { fsPlace, initRepo, s3Place, type BackendPlace } from "./repo-fixture.js";

let fs: BackendPlace;
let s3: BackendPlace;
before(async () => {
  [fs, s3] = await Promise.all([fsPlace(), s3Place()]);
});
after(() => Promise.all([fs.dispose(), s3.dispose()]));

test("copy replicates snapshots into a second repository (fs → s3), re-keyed, idempotent", async () => {
  const primary = await initRepo(fs);
  const replica = await initRepo(s3);
  const doc = { resources: Array.from({ length: 5000 }, (_, i) => `vol-${i}`) };
  const first = await saveDocument(primary, { name: "shop", document: doc, tags: ["env:shop"] });
  const second = await saveDocument(primary, {
    name: "shop",
    document: { ...doc, v: 2 },
    parent: first,
  });
  const report = await copySnapshots(primary, replica, [first, second]);
  assert.equal(report.copied.length, 2);
  assert.ok(report.blobsReused >= 0);
  const [a, b] = report.copied.map((c) => c.to);
  assert.deepEqual(await loadDocument(replica, a!), doc);
  assert.deepEqual(await loadDocument(replica, b!), { ...doc, v: 2 });
  const copied = await replica.loadSnapshot(b!);
  assert.equal(copied.parent, a);
  assert.equal(copied.fields.copiedFrom, second);
  const original = await primary.loadSnapshot(second);
  assert.equal(copied.time, original.time);
  assert.notEqual(copied.root, original.root, "blob ids are keyed per repository");
  const again = await copySnapshots(primary, replica, [first, second]);
  assert.deepEqual(again.skipped, [first, second]);
  assert.deepEqual((await checkRepository(replica, { readData: true })).errors, []);
});
