import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { Secret } from "../../model/secret.js";
import { seal, unseal } from "./aead.js";
import { deriveKey, kdfWithinLimits, type KdfParams } from "./kdf.js";
import { MasterKey, masterKeyLength } from "./master-key.js";

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const power = (max: number) =>
  z
    .number()
    .int()
    .min(2)
    .max(max)
    .refine((n) => (n & (n - 1)) === 0, "must be a power of two");

/** A key slot as stored in `keys/<id>` (plaintext JSON; docs/repository-format.md "Keys"). */
const keyFileSchema = z
  .object({
    version: z.literal(1),
    created: z.string(),
    host: z.string(),
    username: z.string(),
    kdf: z.literal("scrypt"),
    N: power(2 ** 24),
    r: z.number().int().min(1).max(64),
    p: z.number().int().min(1).max(16),
    salt: base64,
    data: base64,
  })
  .strict();

export type KeyFile = z.infer<typeof keyFileSchema>;

/** Wraps the master key under a passphrase: a new key slot's bytes. */
export async function createKeyFile(
  master: MasterKey,
  passphrase: Secret,
  params: KdfParams,
  now: Date = new Date(),
): Promise<Uint8Array> {
  const salt = randomBytes(32);
  const wrapping = await deriveKey(passphrase, salt, params);
  const file: KeyFile = {
    version: 1,
    created: now.toISOString(),
    host: hostname(),
    username: safeUsername(),
    kdf: "scrypt",
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString("base64"),
    data: Buffer.from(seal(wrapping, "key", [master.bytes()])).toString("base64"),
  };
  return Buffer.from(JSON.stringify(file, null, 2));
}

/** Parses a key file; anything malformed is `LB_REPO_OBJECT_CORRUPT`, never a crash. */
export function decodeKeyFile(bytes: Uint8Array, what = "key file"): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new LifeboatError("LB_REPO_OBJECT_CORRUPT", `${what} is not JSON`, {
      cause: error,
      details: { object: what },
    });
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new LifeboatError("LB_REPO_OBJECT_CORRUPT", `${what} is not a valid key file`, {
      cause: parsed.error,
      details: { object: what, issues: parsed.error.issues.map((i) => i.path.join(".")) },
    });
  }
  if (!kdfWithinLimits(parsed.data)) {
    throw new LifeboatError("LB_REPO_OBJECT_CORRUPT", `${what} asks for too much KDF memory`, {
      details: { object: what },
    });
  }
  return parsed.data;
}

/**
 * Unwraps the master key with a passphrase; resolves `undefined` when the passphrase does not
 * fit this slot (the caller tries the next slot). A slot that authenticates but holds a key of
 * the wrong size is corrupt. `derived`: the wrapping key, already being derived from this
 * passphrase with this file's salt and parameters (see key-slot-prefetch.ts).
 */
export async function unwrapKeyFile(
  file: KeyFile,
  passphrase: Secret,
  what = "key file",
  derived?: Promise<Buffer>,
): Promise<MasterKey | undefined> {
  const wrapping = await (derived ?? deriveKey(passphrase, Buffer.from(file.salt, "base64"), file));
  let plain: Buffer;
  try {
    plain = unseal(
      wrapping,
      "key",
      Buffer.from(file.data, "base64"),
      "LB_REPO_WRONG_PASSWORD",
      what,
    );
  } catch {
    return undefined;
  }
  if (plain.length !== masterKeyLength) {
    throw new LifeboatError("LB_REPO_OBJECT_CORRUPT", `${what} holds a key of the wrong size`, {
      details: { object: what },
    });
  }
  return new MasterKey(plain);
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return "";
  }
}
