/**
 * Worker-thread half of the blob pool: computes blob ids and seals blobs (zstd + AES-256-GCM)
 * off the main thread. Stateless apart from the key; every message gets exactly one reply.
 */
import { parentPort, workerData } from "node:worker_threads";
import { zstdCompression } from "../blob-compression.js";
import { Codec } from "../codec.js";
import { MasterKey } from "../crypto/master-key.js";
import type { BlobJob, BlobReply } from "./blob-job.js";

const key = new MasterKey(workerData as Uint8Array);
const codec = new Codec(key, zstdCompression);

parentPort?.on("message", (job: BlobJob) => {
  try {
    const id = key.blobId(job.plain);
    const reply: BlobReply = { seq: job.seq, id, plain: job.plain };
    if (job.seal) {
      const encoded = codec.encodeBlob(job.plain);
      // Transfer the sealed bytes when they own their buffer; small ones sit in Node's pool.
      const owned = encoded.sealed.byteLength === encoded.sealed.buffer.byteLength;
      const sealed = owned ? encoded.sealed : new Uint8Array(encoded.sealed);
      parentPort?.postMessage(
        { ...reply, sealed, compressed: encoded.compressed } satisfies BlobReply,
        [job.plain.buffer as ArrayBuffer, sealed.buffer as ArrayBuffer],
      );
      return;
    }
    parentPort?.postMessage(reply, [job.plain.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ seq: job.seq, error: String(error) } satisfies BlobReply);
  }
});
