/**
 * Lifeboat's own stages, measured in this process on one core (best of 3) over the benchmark image held
 * in memory (no disk I/O): the chunkers, zstd, the keyed chunk id (HMAC-SHA256), AES-256-GCM,
 * and all of them chained on 1 MiB fixed chunks as one thread of the future backup pipeline
 * would run them. Until Lifeboat's backup exists, these are its side of the comparison.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import { FixedChunker } from "../src/repository/chunker/fixed-chunker.js";
import { FastCdcChunker } from "../src/repository/chunker/fastcdc-chunker.js";
import { JsGearScanner } from "../src/repository/chunker/gear-scanner.js";
import { compressBlob, decompressBlob } from "../src/repository/compression.js";

export interface StageResult {
  readonly stage: string;
  readonly mibPerSecond: number;
  readonly bytes: number;
  /** Stored / input bytes, for compression stages. */
  readonly ratio?: number;
}

const MiB = 1024 * 1024;

/** Best of 3 runs: the machine is shared, and the fastest run is the least disturbed one. */
function timed(stage: string, bytes: number, work: () => number | void): StageResult {
  let seconds = Infinity;
  let stored: number | void = undefined;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    stored = work();
    seconds = Math.min(seconds, (performance.now() - started) / 1000);
  }
  const result: StageResult = { stage, bytes, mibPerSecond: bytes / MiB / seconds };
  return typeof stored === "number" ? { ...result, ratio: stored / bytes } : result;
}

function pieces(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += size) {
    out.push(data.subarray(offset, offset + size));
  }
  return out;
}

/** Measures every stage over `image` (first half random, second half text). */
export function runMicroStages(image: Uint8Array, log: (line: string) => void): StageResult[] {
  const key = randomBytes(32);
  const half = Math.floor(image.length / 2);
  const sampleSize = Math.min(half, 256 * MiB);
  const random = image.subarray(0, sampleSize);
  const text = image.subarray(half, half + sampleSize);
  const results: StageResult[] = [];
  const run = (stage: string, bytes: number, work: () => number | void) => {
    const result = timed(stage, bytes, work);
    log(`  ${stage}: ${result.mibPerSecond.toFixed(0)} MiB/s`);
    results.push(result);
  };

  run("fixed chunker, 1 MiB (boundary arithmetic only)", image.length, () => {
    new FixedChunker().push(image);
  });
  run("FastCDC, WebAssembly (default)", image.length, () => {
    new FastCdcChunker(key).push(image);
  });
  run("FastCDC, JavaScript", image.length, () => {
    new FastCdcChunker(key, undefined, (gear) => new JsGearScanner(gear)).push(image);
  });
  for (const level of [1, 2, 3]) {
    for (const [name, data] of [
      ["text", text],
      ["random", random],
    ] as const) {
      run(`zstd level ${level}, ${name}, 1 MiB blobs`, data.length, () => {
        let stored = 0;
        for (const blob of pieces(data, MiB))
          stored += compressBlob(blob, level)?.length ?? blob.length;
        return stored;
      });
    }
  }
  const packedText = pieces(text, MiB).map((blob) => ({
    packed: compressBlob(blob) ?? blob,
    raw: blob.length,
  }));
  run("zstd decompress, text, 1 MiB blobs (output MiB/s)", text.length, () => {
    for (const { packed, raw } of packedText) decompressBlob(packed, raw);
  });
  run("HMAC-SHA256 (chunk id)", sampleSize * 2, () => {
    for (const blob of pieces(image.subarray(0, sampleSize * 2), MiB)) {
      createHmac("sha256", key).update(blob).digest();
    }
  });
  run("AES-256-GCM encrypt", sampleSize * 2, () => {
    for (const blob of pieces(image.subarray(0, sampleSize * 2), MiB)) {
      const cipher = createCipheriv("aes-256-gcm", key, randomBytes(12));
      cipher.update(blob);
      cipher.final();
      cipher.getAuthTag();
    }
  });
  const sealed = pieces(image.subarray(0, sampleSize * 2), MiB).map((blob) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const data = Buffer.concat([cipher.update(blob), cipher.final()]);
    return { iv, data, tag: cipher.getAuthTag() };
  });
  run("AES-256-GCM decrypt", sampleSize * 2, () => {
    for (const { iv, data, tag } of sealed) {
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAuthTag(tag);
      decipher.update(data);
      decipher.final();
    }
  });
  run("pipeline: 1 MiB chunks → HMAC → zstd 3 → AES-GCM, 1 thread", image.length, () => {
    let stored = 0;
    for (const blob of pieces(image, MiB)) {
      createHmac("sha256", key).update(blob).digest();
      const packed = compressBlob(blob) ?? blob;
      const cipher = createCipheriv("aes-256-gcm", key, randomBytes(12));
      stored += cipher.update(packed).length + cipher.final().length + 28;
    }
    return stored;
  });
  return results;
}

/** The same pipeline in `workers` worker threads over a shared copy of the image (best of 3). */
export async function runParallelPipeline(
  image: Uint8Array,
  workers: number,
  log: (line: string) => void,
): Promise<StageResult> {
  const shared = new SharedArrayBuffer(image.length);
  new Uint8Array(shared).set(image);
  const key = randomBytes(32);
  let seconds = Infinity;
  let stored = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const parts = await Promise.all(
      Array.from(
        { length: workers },
        (_, index) =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(new URL("./pipeline-worker.js", import.meta.url), {
              workerData: { image: shared, index, workers, key },
            });
            worker.once("message", (value: number) => resolve(value));
            worker.once("error", reject);
          }),
      ),
    );
    seconds = Math.min(seconds, (performance.now() - started) / 1000);
    stored = parts.reduce((a, b) => a + b, 0);
  }
  const stage = `pipeline, ${workers} worker threads (incl. thread start-up)`;
  const result = {
    stage,
    bytes: image.length,
    mibPerSecond: image.length / MiB / seconds,
    ratio: stored / image.length,
  };
  log(`  ${stage}: ${result.mibPerSecond.toFixed(0)} MiB/s`);
  return result;
}
