import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";
import { LifeboatError, type ErrorCode } from "../../model/errors.js";

/** What an encrypted object is; bound as additional data so one kind cannot pose as another. */
export type ObjectKind = "blob" | "pack-header" | "index" | "snapshot" | "config" | "lock" | "key";

export const nonceLength = 12;
export const tagLength = 16;
/** Bytes an encrypted object adds to its plaintext: nonce and tag. */
export const sealOverhead = nonceLength + tagLength;

const aads = new Map<ObjectKind, Buffer>();
function aadOf(kind: ObjectKind): Buffer {
  let aad = aads.get(kind);
  if (!aad) {
    aad = Buffer.from(kind === "key" ? "lifeboat key v1" : `lifeboat ${kind}`);
    aads.set(kind, aad);
  }
  return aad;
}

/**
 * AES-256-GCM with a random 96-bit nonce: `nonce ‖ ciphertext ‖ tag`. The plaintext is given
 * in parts (e.g. an encoding byte and a payload) so callers need not concatenate first.
 */
export function seal(key: Uint8Array, kind: ObjectKind, parts: readonly Uint8Array[]): Uint8Array {
  let length = sealOverhead;
  for (const part of parts) length += part.length;
  return sealInto(key, kind, parts, Buffer.allocUnsafe(length));
}

/**
 * {@link seal} into `out`, which must hold the parts plus {@link sealOverhead} bytes: a caller
 * that seals many blobs reuses one output buffer instead of allocating one per blob. Returns the
 * view of `out` that holds the sealed object.
 */
export function sealInto(
  key: Uint8Array,
  kind: ObjectKind,
  parts: readonly Uint8Array[],
  out: Uint8Array,
): Uint8Array {
  const nonce = out.subarray(0, nonceLength);
  randomFillSync(nonce);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aadOf(kind));
  let at = nonceLength;
  for (const part of parts) {
    const encrypted = cipher.update(part);
    out.set(encrypted, at);
    at += encrypted.length;
  }
  const tail = cipher.final();
  out.set(tail, at);
  at += tail.length;
  out.set(cipher.getAuthTag(), at);
  return out.subarray(0, at + tagLength);
}

/**
 * Authenticates and decrypts a sealed object. Any failure (too short, wrong key, a flipped bit)
 * throws `code` — the caller names the integrity error of the object it was reading.
 */
export function unseal(
  key: Uint8Array,
  kind: ObjectKind,
  sealed: Uint8Array,
  code: ErrorCode,
  what: string,
): Buffer {
  if (sealed.length < sealOverhead) {
    throw new LifeboatError(code, `${what} is too short to be an encrypted object`, {
      details: { object: what, length: sealed.length },
    });
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, nonceLength));
    decipher.setAAD(aadOf(kind));
    decipher.setAuthTag(sealed.subarray(sealed.length - tagLength));
    const body = decipher.update(sealed.subarray(nonceLength, sealed.length - tagLength));
    const tail = decipher.final(); // GCM returns nothing here; skip a copy of the whole body
    return tail.length === 0 ? body : Buffer.concat([body, tail]);
  } catch (error) {
    throw new LifeboatError(code, `${what} failed authentication: it is damaged or was altered`, {
      cause: error,
      details: { object: what },
    });
  }
}
