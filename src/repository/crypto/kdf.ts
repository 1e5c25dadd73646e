import { scrypt } from "node:crypto";
import { Secret } from "../../model/secret.js";

/** scrypt parameters, stored in each key file so any machine can re-derive the key. */
export interface KdfParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Memory ceiling of a derivation (128·N·r bytes): 256 MiB. */
export const maxKdfMemory = 256 * 1024 * 1024;
const minLogN = 14;

export function kdfMemory(params: KdfParams): number {
  return 128 * params.N * params.r * params.p;
}

/**
 * Whether a key file's parameters are within what we will derive with: a forged key file must
 * not make us allocate gigabytes before authentication fails (4× the calibration ceiling leaves
 * room for slots made on larger machines).
 */
export function kdfWithinLimits(params: KdfParams): boolean {
  return kdfMemory(params) <= 4 * maxKdfMemory;
}

/** Derives the 32-byte key that wraps the master key. */
export function deriveKey(
  passphrase: Secret,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.reveal(),
      salt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: kdfMemory(params) + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/**
 * Picks N (a power of two, r = 8, p = 1) so one derivation takes about `targetMs` on this
 * machine, as restic does: one measurement at N = 2^14, then scale linearly (scrypt's cost is
 * linear in N), capped by {@link maxKdfMemory}. `now` is injected for tests.
 */
export async function calibrateKdf(
  targetMs = 700,
  now: () => number = () => performance.now(),
): Promise<KdfParams> {
  const probe: KdfParams = { N: 2 ** minLogN, r: 8, p: 1 };
  const started = now();
  await deriveKey(new Secret("calibration"), Buffer.alloc(16), probe);
  const elapsed = Math.max(1, now() - started);
  let logN = minLogN;
  while (
    elapsed * 2 ** (logN + 1 - minLogN) <= targetMs &&
    kdfMemory({ ...probe, N: 2 ** (logN + 1) }) <= maxKdfMemory
  ) {
    logN++;
  }
  return { ...probe, N: 2 ** logN };
}
