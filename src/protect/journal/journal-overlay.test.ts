import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { BaseImage } from "../change-source.js";
import { journalOverlay } from "./journal-overlay.js";
import type { JournalRecord } from "./journal-reader.js";

const chunkSize = 64 * 1024;

/** A base image held in memory that counts the bytes read from it. */
function memoryBase(bytes: Uint8Array): BaseImage & { readBytes: number } {
  const base = {
    snapshotId: "s",
    point: null,
    meta: {},
    size: bytes.length,
    chunkSize,
    readBytes: 0,
    chunkId: () => null,
    idOf: () => "",
    read: async (offset: number, length: number) => {
      base.readBytes += length;
      return bytes.slice(offset, offset + length);
    },
  };
  return base;
}

const record = (offset: number, fill: number, length: number): JournalRecord => ({
  offset,
  data: new Uint8Array(length).fill(fill),
  atNs: 0n,
  raw: new Uint8Array(0),
});

test("later writes win, also when an earlier write lies in a later chunk", async () => {
  const base = memoryBase(new Uint8Array(4 * chunkSize).fill(9));
  const records = [record(chunkSize + 10, 1, 100), record(chunkSize - 50, 2, 100)];
  const image = journalOverlay(base, records);
  const buffer = new Uint8Array(300);
  await image.read(buffer, chunkSize - 100);
  assert.deepEqual(
    [buffer[0], buffer[50], buffer[149], buffer[150], buffer[209], buffer[210]],
    [9, 2, 2, 1, 1, 9],
  );
});

test("a range the journal covers entirely is not read from the base", async () => {
  const base = memoryBase(new Uint8Array(2 * chunkSize).fill(9));
  const image = journalOverlay(base, [record(100, 1, 50), record(140, 2, 60), record(500, 3, 10)]);
  const covered = new Uint8Array(90);
  await image.read(covered, 110);
  assert.equal(base.readBytes, 0);
  assert.deepEqual([covered[0], covered[29], covered[30], covered[89]], [1, 1, 2, 2]);
  const gap = new Uint8Array(500);
  await image.read(gap, 100);
  assert.equal(base.readBytes, 500, "a range with a gap reads the base");
  assert.deepEqual([gap[0], gap[100], gap[400], gap[499]], [1, 9, 3, 9]);
});
