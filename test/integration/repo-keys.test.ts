import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { Secret } from "../../src/model/secret.js";
import { loadDocument, saveDocument } from "../../src/repository/json-document.js";
import { prefetchKeySlot } from "../../src/repository/key-slot-prefetch.js";
import { Repository } from "../../src/repository/repository.js";
import { repositoryStats } from "../../src/repository/stats.js";
import { filterSnapshots, selectAt } from "../../src/repository/snapshot/select-snapshot.js";
import {
  fsPlace,
  initRepo,
  inventory,
  password,
  s3Place,
  testOptions,
  type BackendPlace,
} from "./repo-fixture.js";

for (const makePlace of [fsPlace, s3Place]) {
  describe(`repository keys and documents (${makePlace === fsPlace ? "fs" : "s3"})`, () => {
    let place: BackendPlace;
    before(async () => {
      place = await makePlace();
    });
    after(() => place.dispose());

    test("init twice is LB_REPO_EXISTS; open finds the same config", async () => {
      const repo = await initRepo(place);
      await assert.rejects(Repository.init(repo.backend, password, testOptions), {
        code: "LB_REPO_EXISTS",
      });
      const opened = await Repository.open(repo.backend, password, testOptions);
      assert.deepEqual(opened.config, repo.config);
    });

    test("a wrong password is LB_REPO_WRONG_PASSWORD (exit 4) and writes nothing", async () => {
      const repo = await initRepo(place);
      await saveDocument(repo, { name: "inv", document: { a: 1 } });
      const before = await inventory(repo.backend);
      await assert.rejects(
        Repository.open(repo.backend, new Secret("nope"), testOptions),
        (error: unknown) => {
          assert.equal((error as { code: string }).code, "LB_REPO_WRONG_PASSWORD");
          assert.equal((error as { category: string }).category, "integrity");
          return true;
        },
      );
      assert.deepEqual(await inventory(repo.backend), before);
    });

    test("open of an empty location is LB_REPO_NOT_FOUND", async () => {
      await assert.rejects(Repository.open(await place.make(), password, testOptions), {
        code: "LB_REPO_NOT_FOUND",
      });
    });

    test("key slots: add, open with either, refuse to remove the last or the current, change password", async () => {
      const repo = await initRepo(place);
      const second = new Secret("second passphrase");
      const added = await repo.addKey(second);
      const viaSecond = await Repository.open(repo.backend, second, testOptions);
      assert.equal(viaSecond.keyId, added);
      assert.equal((await repo.listKeys()).length, 2);
      await assert.rejects(viaSecond.removeKey(added), { code: "LB_INVALID_INPUT" });
      await assert.rejects(viaSecond.removeKey("0".repeat(64)), { code: "LB_REPO_KEY_NOT_FOUND" });
      await viaSecond.removeKey(repo.keyId);
      await assert.rejects(Repository.open(repo.backend, password, testOptions), {
        code: "LB_REPO_WRONG_PASSWORD",
      });
      const third = new Secret("third");
      const changed = await viaSecond.changePassword(third);
      assert.deepEqual(
        (await changed.listKeys()).map((k) => k.id),
        [changed.keyId],
      );
      await assert.rejects(Repository.open(repo.backend, second, testOptions), {
        code: "LB_REPO_WRONG_PASSWORD",
      });
      await assert.rejects(changed.removeKey(changed.keyId), { code: "LB_INVALID_INPUT" });
      const reopened = await Repository.open(repo.backend, third, testOptions);
      assert.deepEqual(reopened.key.bytes(), repo.key.bytes());
    });

    test("a key slot prefetched before open (the CLI's start-up) opens the same key; a forged slot is never derived", async () => {
      const repo = await initRepo(place);
      const second = new Secret("second passphrase");
      const added = await repo.addKey(second);
      // Whichever slot is newest was derived early; the other passphrase falls back to its slot.
      for (const [passphrase, keyId] of [
        [password, repo.keyId],
        [second, added],
      ] as const) {
        const prefetch = await prefetchKeySlot(repo.backend, passphrase);
        assert.equal(prefetch?.listed.length, 2);
        assert.ok(prefetch?.derived);
        const opened = await Repository.open(repo.backend, passphrase, testOptions, prefetch);
        assert.equal(opened.keyId, keyId);
        assert.deepEqual(opened.key.bytes(), repo.key.bytes());
      }
      const wrong = new Secret("nope");
      await assert.rejects(
        Repository.open(
          repo.backend,
          wrong,
          testOptions,
          await prefetchKeySlot(repo.backend, wrong),
        ),
        { code: "LB_REPO_WRONG_PASSWORD" },
      );
      // A slot asking for 2^30 × 8 × 128 bytes: not derived early, and damaged to open.
      const forged = await place.make();
      const slot = { version: 1, N: 2 ** 30, r: 8, p: 1, salt: "AAAA", data: "AAAA" };
      await forged.save("keys", "f".repeat(64), Buffer.from(JSON.stringify(slot)));
      const early = await prefetchKeySlot(forged, password);
      assert.equal(early?.newest?.name, "f".repeat(64));
      assert.equal(early?.derived, undefined);
      await assert.rejects(Repository.open(forged, password, testOptions, early), {
        code: "LB_REPO_WRONG_PASSWORD",
        details: { slots: 1, damagedSlots: 1 },
      });
    });

    test("named JSON documents round-trip as snapshots; filters and --at select them", async () => {
      const repo = await initRepo(place);
      const big = { items: Array.from({ length: 60_000 }, (_, i) => ({ id: `res-${i}`, n: i })) };
      const t = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
      const first = await saveDocument(repo, {
        name: "shop",
        document: { v: 1 },
        time: t(1),
        tags: ["env:shop"],
      });
      const second = await saveDocument(repo, {
        name: "shop",
        document: big,
        time: t(2),
        parent: first,
        tags: ["env:shop"],
      });
      await saveDocument(repo, { name: "blog", document: [], time: t(3), kind: "stream" });
      assert.deepEqual(await loadDocument(repo, first), { v: 1 });
      assert.deepEqual(await loadDocument(repo, second), big);
      const stored = (await repo.backend.list("data")).reduce((n, p) => n + p.size, 0);
      const json = JSON.stringify(big).length;
      assert.ok(stored < json / 3, `zstd is on: ${stored} bytes stored for ${json} bytes of JSON`);
      const stats = await repositoryStats(repo);
      assert.equal(stats.storedBytes, stored);
      assert.ok(stats.blobs >= 4 && stats.packs >= 2 && stats.indexFiles >= 2);
      assert.ok(stats.spaceRatio > 3, `space ratio ${stats.spaceRatio}`);
      const all = await repo.listSnapshots();
      assert.equal(all.length, 3);
      const shop = filterSnapshots(all, { tags: ["env:shop"], kind: "inventory" });
      assert.deepEqual(
        shop.map((s) => s.id),
        [first, second],
      );
      assert.equal(shop[1]!.parent, first);
      assert.equal(selectAt(shop, new Date(Date.UTC(2026, 0, 1, 1, 30)))?.id, first);
      assert.equal(selectAt(shop, t(5))?.id, second);
      assert.equal(selectAt(shop, t(0)), undefined);
      await assert.rejects(repo.loadSnapshot("f".repeat(64)), { code: "LB_SNAPSHOT_NOT_FOUND" });
    });
  });
}
