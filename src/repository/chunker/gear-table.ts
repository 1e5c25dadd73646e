import { createHmac } from "node:crypto";
import { LifeboatError } from "../../model/errors.js";

/** Domain separation for the gear table; changing it changes every chunk boundary. */
const GEAR_LABEL = "lifeboat fastcdc gear v1";

/**
 * Derives the 256-entry gear table from a repository's 32-byte chunker key: the concatenation
 * of HMAC-SHA256(key, label ‖ uint8 block) for blocks 0..31, read as little-endian 32-bit
 * words. Keying the table per repository means chunk sizes do not reveal which known file a
 * repository holds without the key (they still leak some structure: see docs/repository-format.md).
 *
 * The values are a format commitment: golden vectors in gear-table.test.ts pin them. The
 * result is shared between callers with the same key and must not be modified.
 */
export function deriveGearTable(key: Uint8Array): Int32Array {
  const id = Buffer.from(key).toString("hex");
  const cached = recent.get(id);
  if (cached !== undefined) return cached;
  const table = derive(key);
  if (recent.size >= 8) recent.clear();
  recent.set(id, table);
  return table;
}

// A backup makes a chunker per file with the same key; deriving costs 32 HMACs each time.
// Cached tables are frozen in spirit: callers must not modify the returned array.
const recent = new Map<string, Int32Array>();

function derive(key: Uint8Array): Int32Array {
  if (key.length !== 32) {
    throw new LifeboatError("LB_INVALID_INPUT", "the chunker key must be 32 bytes", {
      details: { length: key.length },
    });
  }
  const bytes = new Uint8Array(1024);
  for (let block = 0; block < 32; block++) {
    const hmac = createHmac("sha256", key);
    hmac.update(GEAR_LABEL);
    hmac.update(Uint8Array.of(block));
    bytes.set(hmac.digest(), block * 32);
  }
  const view = new DataView(bytes.buffer);
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) table[i] = view.getInt32(i * 4, true);
  return table;
}
