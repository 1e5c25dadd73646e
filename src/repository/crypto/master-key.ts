import { createHmac, randomBytes } from "node:crypto";
import { invariant } from "../../model/errors.js";

export const masterKeyLength = 64;

/**
 * The repository's secret: a 32-byte AES-256-GCM key for every object and a 32-byte key for
 * HMAC-SHA256 blob ids. Created once at init, wrapped by every key slot, never rotated.
 */
export class MasterKey {
  readonly encryptionKey: Buffer;
  readonly idKey: Buffer;

  constructor(bytes: Uint8Array) {
    invariant(bytes.length === masterKeyLength, `master key must be ${masterKeyLength} bytes`);
    this.encryptionKey = Buffer.from(bytes.subarray(0, 32));
    this.idKey = Buffer.from(bytes.subarray(32, 64));
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(masterKeyLength));
  }

  /** The 64 bytes that key files wrap. */
  bytes(): Buffer {
    return Buffer.concat([this.encryptionKey, this.idKey]);
  }

  /** A blob's id: HMAC-SHA256(id key, plaintext); reveals nothing without the key. */
  blobId(plaintext: Uint8Array): Buffer {
    return createHmac("sha256", this.idKey).update(plaintext).digest();
  }

  /** Never print key material by accident. */
  toJSON(): string {
    return "[master key]";
  }
}
