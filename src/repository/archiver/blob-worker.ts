/**
 * Worker-thread half of the blob pool: computes blob ids and seals blobs (zstd + AES-256-GCM)
 * for backups, and opens sealed blobs (decrypt, decompress, verify the id) for restores, off
 * the main thread. Stateless apart from the key; every message gets exactly one reply.
 */
import { parentPort, workerData } from "node:worker_threads";
import { LifeboatError } from "../../model/errors.js";
import { zstdCompression } from "../blob-compression.js";
import { Codec } from "../codec.js";
import { MasterKey } from "../crypto/master-key.js";
import type { BlobJob, BlobReply } from "./blob-job.js";
import { alignedBuffer, writeAllAtAsync, writeMostlyDirect } from "./direct-write.js";

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
  const encoded = codec.encodeBlob(job.plain, job.output);
  const sealed =
    encoded.sealed.buffer === job.output?.buffer ? encoded.sealed : owned(encoded.sealed);
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

/**
 * Where openWrite decompresses: reused, so a restore does not allocate a buffer per blob. A run's
 * compressed blobs are decompressed side by side into one, so that pieces adjacent in the file
 * go out in one positioned write. Two, used in turn: a batch is written from one (on libuv's
 * thread pool) while the next is decrypted into the other.
 */
interface Scratch {
  buffer: Uint8Array;
  /** Whether `buffer` starts on a block boundary in memory (for direct writes). */
  aligned: boolean;
  /** Settles when the writes issued from it are done (never rejects). */
  busy: Promise<unknown>;
}
const scratches: Scratch[] = [0, 1].map(() => ({
  buffer: new Uint8Array(0),
  aligned: false,
  busy: Promise.resolve(),
}));
let turn = 0;
/** The probe descriptor no buffer could be aligned for (see take() in openWrite). */
let unalignable: number | undefined;

/** Bytes gathered before a write is issued (and the scratch is reused from its start). */
const batchBytes = 8 * 1024 * 1024;
/** Buffers in one writev (Linux IOV_MAX is 1024). */
const batchBuffers = 1024;

function open(job: Extract<BlobJob, { op: "open" }>): void {
  const plain = owned(openBlob(job.sealed, job.rawLength, job.id, job.what));
  parentPort?.postMessage({ seq: job.seq, plain } satisfies BlobReply, [
    plain.buffer as ArrayBuffer,
  ]);
}

/**
 * Opens a run of blobs and writes each verified plaintext straight into the target file, so
 * plaintexts never travel back to the main thread: it only schedules loads and writes nothing.
 * A blob is written only after its id checked out. Pieces that continue one another in the
 * file are gathered and written with one `pwritev` (up to 8 MiB): a whole run of fixed-size
 * chunks is typically one system call instead of one per blob. Resolves once every write is
 * issued; the reply goes out when they are done, so the next run is decrypted meanwhile.
 */
async function openWrite(job: Extract<BlobJob, { op: "openWrite" }>): Promise<void> {
  let runRaw = 0;
  for (const blob of job.blobs) runRaw += blob.rawLength;
  const maxRaw = Math.max(...job.blobs.map((b) => b.rawLength));
  const direct = job.direct;
  const writes: Promise<void>[] = [];
  let scratch = scratches[turn]!;
  /** Waits until the scratch of this turn is free, and sizes (and aligns) it. */
  const take = async () => {
    scratch = scratches[turn]!;
    await scratch.busy;
    // Grown once to a full batch, not run by run: untouched pages of a fresh buffer cost
    // nothing, while every regrowth faults in (and zeroes) a new one.
    const small = scratch.buffer.length < Math.min(runRaw, batchBytes + maxRaw);
    const probe = direct !== undefined && unalignable !== direct.probeFd;
    if (small || (probe && !scratch.aligned)) {
      const size = Math.max(scratch.buffer.length, batchBytes + maxRaw);
      const aligned = probe ? alignedBuffer(size, direct.probeFd) : undefined;
      // A device whose blocks are larger than 4 KiB: probed once, then written buffered.
      if (probe && aligned === undefined) unalignable = direct.probeFd;
      scratch.buffer = aligned ?? new Uint8Array(size);
      scratch.aligned = aligned !== undefined;
    }
  };
  await take();
  const issue = (buffers: Uint8Array[], position: number) => {
    // Direct writes go out of an aligned scratch only (raw blobs are copied into it too).
    const write =
      direct !== undefined && scratch.aligned
        ? writeMostlyDirect(job.fd, direct.fd, scratch.buffer, buffers, position)
        : writeAllAtAsync(job.fd, buffers, position);
    writes.push(write);
    scratch.busy = Promise.allSettled([scratch.busy, write]);
  };
  let used = 0;
  let pending: Uint8Array[] = [];
  let pendingAt = 0;
  let pendingEnd = 0;
  let pendingBytes = 0;
  /** Writes what is pending and moves to the other scratch. */
  const flush = () => {
    if (pending.length > 0) issue(pending, pendingAt);
    pending = [];
    pendingBytes = 0;
    used = 0;
    turn = 1 - turn;
  };
  let written = 0;
  for (const blob of job.blobs) {
    const sealed = job.sealed.subarray(blob.offset, blob.offset + blob.length);
    if (used + blob.rawLength > scratch.buffer.length) {
      flush();
      await take();
    }
    const into = scratch.buffer;
    // A compressed blob lands in the scratch after the ones still waiting to be written.
    let plain = openBlob(sealed, blob.rawLength, blob.id, job.what, into.subarray(used));
    if (plain.buffer !== into.buffer && direct !== undefined && scratch.aligned) {
      into.set(plain, used);
      plain = into.subarray(used, used + plain.length);
    }
    if (plain.buffer === into.buffer) used += plain.length;
    for (const piece of blob.pieces) {
      const bytes = plain.subarray(piece.from, piece.from + piece.length);
      const joins =
        pending.length > 0 &&
        pendingEnd === piece.fileOffset &&
        pending.length < batchBuffers &&
        pendingBytes + bytes.length <= batchBytes;
      if (!joins) {
        if (pending.length > 0) {
          // Keep what the scratch still holds for this blob: only the write goes out.
          issue(pending, pendingAt);
          pending = [];
          pendingBytes = 0;
        }
        pendingAt = piece.fileOffset;
      }
      pending.push(bytes);
      pendingBytes += bytes.length;
      pendingEnd = piece.fileOffset + bytes.length;
    }
    written += plain.length;
  }
  flush();
  void Promise.all(writes).then(
    () => parentPort?.postMessage({ seq: job.seq, written } satisfies BlobReply),
    (error: unknown) => reply(job.seq, error),
  );
}

function withErrno(errno: string | undefined): { errno?: string } {
  return errno === undefined ? {} : { errno };
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function reply(seq: number, error: unknown): void {
  const message: BlobReply =
    error instanceof LifeboatError
      ? { seq, error: error.message, code: error.code, details: error.details }
      : { seq, error: String(error), ...withErrno(errnoOf(error)) };
  parentPort?.postMessage(message);
}

/** Restore runs, one after the other (each waits for a free scratch). */
let runs: Promise<void> = Promise.resolve();

parentPort?.on("message", (job: BlobJob) => {
  if (job.op === "openWrite") {
    runs = runs.then(() => openWrite(job)).catch((error: unknown) => reply(job.seq, error));
    return;
  }
  try {
    if (job.op === "store") store(job);
    else open(job);
  } catch (error) {
    reply(job.seq, error);
  }
});
