import type { Secret } from "../model/secret.js";
import type { Backend, ObjectInfo } from "./backend.js";
import { deriveKey, kdfWithinLimits, type KdfParams } from "./crypto/kdf.js";

/**
 * The newest key slot, read and with its key derivation already running, before the key-file
 * schema (zod) and the repository's modules are loaded: scrypt runs on libuv's thread pool for
 * ~0.1 s, and a command loads its modules on the main thread meanwhile instead of after it.
 * {@link openKeySlots} validates the slot as usual and only then uses the derived key.
 */
export interface KeySlotPrefetch {
  /** The `keys/` listing, newest first. */
  readonly listed: readonly ObjectInfo[];
  /** The newest slot's name and bytes (absent when there is no slot). */
  readonly newest?: { readonly name: string; readonly bytes: Uint8Array };
  /** The wrapping key of the newest slot, derived from the parameters it names. */
  readonly derived?: { readonly salt: string; readonly params: KdfParams; key: Promise<Buffer> };
}

function isPowerOfTwo(n: unknown): n is number {
  return (
    Number.isSafeInteger(n) && (n as number) >= 2 && ((n as number) & ((n as number) - 1)) === 0
  );
}

/** The salt and scrypt parameters a key file names, if they are sane enough to start on. */
function kdfOf(bytes: Uint8Array): { salt: string; params: KdfParams } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return undefined; // openKeySlots reports the damage
  }
  const { N, r, p, salt } = (json ?? {}) as Record<string, unknown>;
  if (!isPowerOfTwo(N) || !Number.isSafeInteger(r) || !Number.isSafeInteger(p)) return undefined;
  const params = { N, r: r as number, p: p as number };
  // The ceiling decodeKeyFile enforces: a forged slot must not make us allocate gigabytes.
  if (params.r < 1 || params.p < 1 || !kdfWithinLimits(params)) return undefined;
  if (typeof salt !== "string") return undefined;
  return { salt, params };
}

/**
 * Lists the key slots, reads the newest and starts deriving its wrapping key. Reads only.
 * Failures (a missing or unreadable `keys/`) are left to {@link openKeySlots}, which repeats
 * the reads: it resolves `undefined` then.
 */
export async function prefetchKeySlot(
  backend: Backend,
  passphrase: Secret,
): Promise<KeySlotPrefetch | undefined> {
  try {
    const listed = (await backend.list("keys")).sort(
      (a, b) => b.modified.getTime() - a.modified.getTime(),
    );
    const name = listed[0]?.name;
    if (name === undefined) return { listed };
    const bytes = await backend.load("keys", name);
    const kdf = kdfOf(bytes);
    if (kdf === undefined) return { listed, newest: { name, bytes } };
    const key = deriveKey(passphrase, Buffer.from(kdf.salt, "base64"), kdf.params);
    key.catch(() => undefined); // awaited by openKeySlots, or not needed (a damaged slot)
    return { listed, newest: { name, bytes }, derived: { ...kdf, key } };
  } catch {
    return undefined;
  }
}
