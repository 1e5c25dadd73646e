/**
 * Worker for the parallel pipeline stage: runs the per-chunk pipeline (HMAC-SHA256 → zstd 3 →
 * AES-256-GCM) over every `workers`-th 1 MiB chunk of a shared image, and reports the stored
 * bytes. Interleaving chunks keeps the random and the text half evenly spread over workers.
 */
import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { compressBlob } from "../src/repository/compression.js";

interface Job {
  readonly image: SharedArrayBuffer;
  readonly index: number;
  readonly workers: number;
  readonly key: Uint8Array;
}

const { image, index, workers, key } = workerData as Job;
const MiB = 1024 * 1024;
const bytes = new Uint8Array(image);
let stored = 0;
for (let offset = index * MiB; offset < bytes.length; offset += workers * MiB) {
  // A copy, as a real pipeline receives its chunk from the reader.
  const blob = bytes.slice(offset, offset + MiB);
  createHmac("sha256", key).update(blob).digest();
  const packed = compressBlob(blob) ?? blob;
  const cipher = createCipheriv("aes-256-gcm", key, randomBytes(12));
  stored += cipher.update(packed).length + cipher.final().length + 29;
}
parentPort?.postMessage(stored);
