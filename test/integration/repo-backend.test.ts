import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { limitBackend } from "../../src/repository/backends/limit-backend.js";
import { retryBackend } from "../../src/repository/backends/retry-backend.js";
import { S3Backend } from "../../src/repository/backends/s3-backend.js";
import { freePort } from "../harness/free-port.js";
import { motoS3Config, startMoto } from "../harness/moto.js";
import { backendConformance } from "./repo-backend-conformance.js";

backendConformance("fs", async () => {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-fs-"));
  return {
    backend: new FsBackend(join(root, "repo")),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

backendConformance("fs (page cache only)", async () => {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-fs-"));
  return {
    backend: new FsBackend(join(root, "repo"), { directWrites: false }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

backendConformance("s3 (moto)", async () => {
  const moto = await startMoto();
  const config = motoS3Config(moto);
  const admin = new S3Client(config);
  await admin.send(new CreateBucketCommand({ Bucket: "repo" }));
  admin.destroy();
  const backend = new S3Backend({ bucket: "repo", prefix: "team/a", ...config });
  return {
    backend,
    dispose: async () => {
      await backend.close();
      await moto.stop();
    },
  };
});

test("fs backend: a range read into a caller's buffer lands in it (restores reuse one per run)", async () => {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-fs-"));
  try {
    const backend = new FsBackend(join(root, "repo"));
    const data = Buffer.from("0123456789".repeat(100));
    const name = createHash("sha256").update(data).digest("hex");
    await backend.save("data", name, data);
    const into = new Uint8Array(new SharedArrayBuffer(64));
    const loaded = await backend.load("data", name, { offset: 10, length: 20 }, into);
    assert.equal(loaded.buffer, into.buffer);
    assert.equal(Buffer.from(into.subarray(0, 20)).toString(), "01234567890123456789");
    // Wrappers pass the buffer through.
    const wrapped = limitBackend(retryBackend(backend), 2);
    const again = await wrapped.load("data", name, { offset: 995, length: 5 }, into);
    assert.equal(again.buffer, into.buffer);
    assert.equal(Buffer.from(again).toString(), "56789");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

describe("S3 backend error mapping", () => {
  test("an unreachable endpoint is LB_REPO_BACKEND_UNAVAILABLE and retryable", async () => {
    const port = await freePort();
    const backend = new S3Backend({
      bucket: "b",
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    await assert.rejects(backend.list("index"), (error: unknown) => {
      assert.equal((error as { code: string }).code, "LB_REPO_BACKEND_UNAVAILABLE");
      assert.equal((error as { retryable: boolean }).retryable, true);
      return true;
    });
    await backend.close();
  });

  test("a missing bucket is LB_REPO_NOT_FOUND", async () => {
    const moto = await startMoto();
    const backend = new S3Backend({ bucket: "absent", ...motoS3Config(moto) });
    try {
      await assert.rejects(backend.list("snapshots"), { code: "LB_REPO_NOT_FOUND" });
      await assert.rejects(backend.load("config", "config"), (error: unknown) => {
        const code = (error as { code: string }).code;
        assert.ok(code === "LB_REPO_NOT_FOUND" || code === "LB_REPO_OBJECT_MISSING", code);
        return true;
      });
    } finally {
      await backend.close();
      await moto.stop();
    }
  });
});

test("fs backend: list with modifiedSince skips data folders not written to since", async () => {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-fs-"));
  try {
    const backend = limitBackend(retryBackend(new FsBackend(join(root, "repo"))), 2);
    const names = ["00", "ff"].map((prefix) => prefix + "1".repeat(62));
    for (const name of names) await backend.save("data", name, Buffer.from(name));
    // Folder 00 and its pack were last written two hours ago.
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(root, "repo", "data", "00", names[0]!), old, old);
    await utimes(join(root, "repo", "data", "00"), old, old);
    const recent = await backend.list("data", { modifiedSince: Date.now() - 3600_000 });
    assert.deepEqual(
      recent.map((i) => i.name),
      [names[1]],
    );
    assert.equal((await backend.list("data")).length, 2);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
