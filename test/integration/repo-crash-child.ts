/**
 * A backup process for the kill -9 test (repo-crash.test.ts): writes 40 deterministic blobs of
 * 256 KiB into the repository at argv[2] and commits a snapshot, printing one line per step so
 * the parent can kill it at a chosen point without timing anything.
 */
import { createCipheriv } from "node:crypto";
import { pathToFileURL } from "node:url";
import { Secret } from "../../src/model/secret.js";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { BlobType } from "../../src/repository/pack/pack-entry.js";
import { Repository } from "../../src/repository/repository.js";

export const blobCount = 40;
export const blobSize = 256 * 1024;

/** Blob i: AES-CTR keystream under a key made from i — incompressible and reproducible. */
export function blobData(i: number): Buffer {
  const key = Buffer.alloc(32, i + 1);
  return createCipheriv("aes-256-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(blobSize));
}

async function main(root: string): Promise<void> {
  const repo = await Repository.open(
    new FsBackend(root),
    new Secret(process.env.LB_TEST_PASSWORD ?? ""),
    {
      kdf: { N: 1024, r: 8, p: 1 },
    },
  );
  const session = await repo.startWrite("crash test backup", {
    indexEveryPacks: 2,
    packSize: 1024 * 1024,
  });
  const say = (line: string) =>
    process.stdout.write(`${line} packs=${session.stats.packsWritten}\n`);
  say("started");
  const content: string[] = [];
  for (let i = 0; i < blobCount; i++) {
    content.push((await session.saveBlob(BlobType.data, blobData(i))).id.toString("hex"));
    say(`blob ${i}`);
  }
  const root2 = await session.saveTree([
    { name: "disk", type: "file", size: blobCount * blobSize, content },
  ]);
  say("committing");
  const id = await session.commit({
    kind: "image",
    source: "disk",
    root: root2,
    size: blobCount * blobSize,
  });
  say(`committed ${id}`);
}

// Runs only as a program (`node repo-crash-child.js <repo>`), not when the test imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2] ?? "");
}
