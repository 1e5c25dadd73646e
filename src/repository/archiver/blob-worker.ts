/**
 * Worker-thread half of the blob pool: computes blob ids and seals blobs (zstd + AES-256-GCM)
 * for backups, and opens sealed blobs (decrypt, decompress, verify the id) for restores, off
 * the main thread. Stateless apart from the key; every message gets exactly one reply.
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { LifeboatError } from "../../model/errors.js";
import { zstdCompression } from "../blob-compression.js";
import { Codec } from "../codec.js";
import { MasterKey } from "../crypto/master-key.js";
import type { BlobJob, BlobReply } from "./blob-job.js";

const key = new MasterKey(workerData as Uint8Array);
const codec = new Codec(key, zstdCompression);

/** A buffer that can be transferred: small Buffers share Node's pool, so copy those. */
function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

function store(job: Extract<BlobJob, { op: "store" }>): void {
  const id = key.blobId(job.plain);
  const reply: BlobReply = { seq: job.seq, id, plain: job.plain };
  if (!job.seal) {
    parentPort?.postMessage(reply, [job.plain.buffer as ArrayBuffer]);
    return;
  }
  const encoded = codec.encodeBlob(job.plain);
  const sealed = owned(encoded.sealed);
  parentPort?.postMessage({ ...reply, sealed, compressed: encoded.compressed }, [
    job.plain.buffer as ArrayBuffer,
    sealed.buffer as ArrayBuffer,
  ]);
}

/**
 * Decrypts, decompresses and checks one blob against the id the index gives it. The result may
 * be a view into a larger buffer: {@link owned} it before transferring.
 */
function openBlob(
  sealed: Uint8Array,
  rawLength: number,
  id: Uint8Array,
  what: string,
  scratch?: Uint8Array,
) {
  const plain = codec.decodeBlob(sealed, rawLength, what, scratch);
  if (!key.blobId(plain).equals(id)) {
    throw new LifeboatError(
      "LB_REPO_PACK_CORRUPT",
      `${what} holds a blob whose content does not match its id`,
      { details: { object: what, blob: Buffer.from(id).toString("hex") } },
    );
  }
  return plain;
}

/** Where openWrite decompresses: reused, so a restore does not allocate a buffer per blob. */
let writeScratch = new Uint8Array(0);

function open(job: Extract<BlobJob, { op: "open" }>): void {
  const plain = owned(openBlob(job.sealed, job.rawLength, job.id, job.what));
  parentPort?.postMessage({ seq: job.seq, plain } satisfies BlobReply, [
    plain.buffer as ArrayBuffer,
  ]);
}

/**
 * Opens a run of blobs and writes each verified plaintext straight into the target file, so
 * plaintexts never travel back to the main thread: it only schedules loads and writes nothing.
 * A blob is written only after its id checked out.
 */
function openWrite(job: Extract<BlobJob, { op: "openWrite" }>): void {
  let written = 0;
  for (const blob of job.blobs) {
    const sealed = job.sealed.subarray(blob.offset, blob.offset + blob.length);
    if (writeScratch.length < blob.rawLength) writeScratch = new Uint8Array(blob.rawLength);
    // Written out before the next blob reuses the scratch buffer.
    const plain = openBlob(sealed, blob.rawLength, blob.id, job.what, writeScratch);
    for (const piece of blob.pieces) {
      for (let done = 0; done < piece.length;) {
        done += writeSync(
          job.fd,
          plain,
          piece.from + done,
          piece.length - done,
          piece.fileOffset + done,
        );
      }
    }
    written += plain.length;
  }
  parentPort?.postMessage({ seq: job.seq, written } satisfies BlobReply);
}

function withErrno(errno: string | undefined): { errno?: string } {
  return errno === undefined ? {} : { errno };
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

parentPort?.on("message", (job: BlobJob) => {
  try {
    if (job.op === "store") store(job);
    else if (job.op === "open") open(job);
    else openWrite(job);
  } catch (error) {
    const reply: BlobReply =
      error instanceof LifeboatError
        ? { seq: job.seq, error: error.message, code: error.code, details: error.details }
        : { seq: job.seq, error: String(error), ...withErrno(errnoOf(error)) };
    parentPort?.postMessage(reply);
  }
});
