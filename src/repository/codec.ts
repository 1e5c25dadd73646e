import { LifeboatError, type ErrorCode } from "../model/errors.js";
import { seal, sealInto, sealOverhead, unseal, type ObjectKind } from "./crypto/aead.js";
import type { MasterKey } from "./crypto/master-key.js";

/**
 * Per-blob compression, injected so the codec does not depend on one compressor. `compress`
 * returns null when compressing is not worth it (incompressible data); `decompress` must
 * return exactly `rawLength` bytes or throw.
 */
export interface Compression {
  compress(plain: Uint8Array): Uint8Array | null;
  /** With `into` (at least `rawLength` bytes), decompresses into it and returns a view of it. */
  decompress(data: Uint8Array, rawLength: number, into?: Uint8Array): Uint8Array;
}

/** For repositories and tests without a compressor: stores raw, refuses compressed input. */
export const noCompression: Compression = {
  compress: () => null,
  decompress: () => {
    throw new LifeboatError(
      "LB_REPO_FORMAT_UNSUPPORTED",
      "this object is compressed, but no decompressor is configured",
    );
  },
};

/** The plaintext's first byte (docs/repository-format.md, "Encrypted objects"). */
export const Encoding = { raw: 0, zstd: 1, zstdSized: 2 } as const;

/** The most a sealed blob adds to its plaintext: the encoding byte, nonce and tag. */
export const blobSealOverhead = 1 + sealOverhead;

export interface EncodedBlob {
  readonly sealed: Uint8Array;
  readonly compressed: boolean;
}

/** Encrypts and compresses blobs and whole objects with the repository's master key. */
export class Codec {
  constructor(
    readonly key: MasterKey,
    readonly compression: Compression = noCompression,
  ) {}

  /**
   * Compresses (when it saves at least 1/8) and seals a blob. With `out` large enough (the
   * blob's length + {@link blobSealOverhead}), the sealed bytes are a view of it.
   */
  encodeBlob(plain: Uint8Array, out?: Uint8Array): EncodedBlob {
    const packed = this.compression.compress(plain);
    const compressed = packed !== null && packed.length < plain.length;
    const parts = compressed
      ? [Uint8Array.of(Encoding.zstd), packed]
      : [Uint8Array.of(Encoding.raw), plain];
    const length = 1 + parts[1]!.length + sealOverhead;
    const key = this.key.encryptionKey;
    const sealed =
      out !== undefined && out.length >= length
        ? sealInto(key, "blob", parts, out)
        : seal(key, "blob", parts);
    return { sealed, compressed };
  }

  /**
   * Decrypts a blob and checks it has `rawLength` bytes; damage is `LB_REPO_PACK_CORRUPT`. A
   * compressed blob is decompressed into `scratch` when it is given and large enough (the
   * result is then a view of it, valid until the caller reuses `scratch`).
   */
  decodeBlob(
    sealed: Uint8Array,
    rawLength: number,
    what: string,
    scratch?: Uint8Array,
  ): Uint8Array {
    const plain = unseal(this.key.encryptionKey, "blob", sealed, "LB_REPO_PACK_CORRUPT", what);
    const into = scratch !== undefined && scratch.length >= rawLength ? scratch : undefined;
    const body = this.#decode(plain, rawLength, "LB_REPO_PACK_CORRUPT", what, plain[0], into);
    if (body.length !== rawLength) {
      throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what} has the wrong length`, {
        details: { object: what, expected: rawLength, actual: body.length },
      });
    }
    return body;
  }

  /** Seals a standalone object (index, snapshot, config, lock, pack header). */
  encodeObject(kind: ObjectKind, plain: Uint8Array): Uint8Array {
    const packed = plain.length >= 512 ? this.compression.compress(plain) : null;
    if (packed !== null && packed.length + 4 < plain.length) {
      const size = Buffer.alloc(4);
      size.writeUInt32LE(plain.length);
      return seal(this.key.encryptionKey, kind, [Uint8Array.of(Encoding.zstdSized), size, packed]);
    }
    return seal(this.key.encryptionKey, kind, [Uint8Array.of(Encoding.raw), plain]);
  }

  decodeObject(kind: ObjectKind, sealed: Uint8Array, code: ErrorCode, what: string): Uint8Array {
    const plain = unseal(this.key.encryptionKey, kind, sealed, code, what);
    if (plain[0] === Encoding.zstdSized) {
      if (plain.length < 5)
        throw new LifeboatError(code, `${what} is truncated`, { details: { object: what } });
      return this.#decode(plain.subarray(4), plain.readUInt32LE(1), code, what, Encoding.zstd);
    }
    return this.#decode(plain, undefined, code, what);
  }

  #decode(
    plain: Buffer,
    rawLength: number | undefined,
    code: ErrorCode,
    what: string,
    encoding = plain[0],
    into?: Uint8Array,
  ): Uint8Array {
    if (encoding === Encoding.raw) return plain.subarray(1);
    if (encoding === Encoding.zstd && rawLength !== undefined) {
      try {
        return this.compression.decompress(plain.subarray(1), rawLength, into);
      } catch (error) {
        if (error instanceof LifeboatError && error.code === "LB_REPO_FORMAT_UNSUPPORTED")
          throw error;
        throw new LifeboatError(code, `${what} does not decompress`, {
          cause: error,
          details: { object: what },
        });
      }
    }
    throw new LifeboatError(code, `${what} has an unknown encoding ${encoding ?? "(empty)"}`, {
      details: { object: what },
    });
  }
}
