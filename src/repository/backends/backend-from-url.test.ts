import { strict as assert } from "node:assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { backendFromUrl } from "./backend-from-url.js";

test("file URLs and plain paths open an fs backend; s3 URLs name bucket and prefix", async () => {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-url-"));
  try {
    for (const url of [`file:${root}/a`, `file://${root}/b`, `${root}/c`]) {
      const backend = backendFromUrl(url);
      assert.ok(backend.location.startsWith(root));
      assert.deepEqual(await backend.list("snapshots"), []);
    }
    const s3 = backendFromUrl("s3://bucket/team/repo", { endpoint: "http://127.0.0.1:1" });
    assert.equal(s3.location, "s3://bucket/team/repo/");
    await s3.close();
    assert.throws(() => backendFromUrl("ftp://host/x"), { code: "LB_CONFIG_INVALID" });
    assert.throws(() => backendFromUrl("s3://"), { code: "LB_CONFIG_INVALID" });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
