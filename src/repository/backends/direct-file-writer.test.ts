import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { DirectFileWriter } from "./direct-file-writer.js";

// Under the build folder, on the checkout's disk: /tmp may be a tmpfs without direct I/O.
let dir: string;
before(async () => {
  dir = await mkdtemp(fileURLToPath(new URL("./direct-write-", import.meta.url)));
});
after(() => rm(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;

async function writeFile(writer: DirectFileWriter, name: string, data: Uint8Array) {
  const handle = await writer.create(join(dir, name));
  assert.ok(handle, "the checkout's file system takes direct writes");
  try {
    await writer.write(handle, data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

test("files of every length around the block and staging sizes hold exactly their bytes", async () => {
  const writer = new DirectFileWriter();
  const lengths = [MiB, MiB + 1, 8 * MiB, 8 * MiB - 1, 8 * MiB + 4095, 17 * MiB + 5];
  for (const [i, length] of lengths.entries()) {
    const data = randomBytes(length);
    await writeFile(writer, `f${i}`, data);
    assert.ok((await readFile(join(dir, `f${i}`))).equals(data), `length ${length}`);
  }
  assert.equal(writer.enabled, true);
});

test("concurrent writes share the staging buffer without mixing their bytes", async () => {
  const writer = new DirectFileWriter();
  const data = Array.from({ length: 4 }, (_, i) => randomBytes(9 * MiB + i * 777));
  // A view into a larger buffer, as a pack writer hands over.
  const view = Buffer.concat([randomBytes(13), data[0]!]).subarray(13);
  await Promise.all([view, ...data.slice(1)].map((d, i) => writeFile(writer, `c${i}`, d)));
  for (const [i, d] of data.entries()) {
    assert.ok((await readFile(join(dir, `c${i}`))).equals(d), `file ${i}`);
  }
});

test("an existing file is not overwritten, and a disabled writer creates nothing", async () => {
  const writer = new DirectFileWriter();
  await writeFile(writer, "taken", randomBytes(MiB));
  await assert.rejects(writer.create(join(dir, "taken")), { code: "EEXIST" });
  assert.equal(await new DirectFileWriter(false).create(join(dir, "never")), undefined);
  await assert.rejects(readFile(join(dir, "never")), { code: "ENOENT" });
});
