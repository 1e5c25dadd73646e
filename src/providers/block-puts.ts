/**
 * What every writer of a `BlockSnapshotStore` shares (pre-staging at protect time, hydration at
 * recovery): the tests a block passes before it is put, and a bound on the puts in flight.
 */

/** True when every byte of `data` is zero: a block never written reads so, it need not be put. */
export function isZero(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

/** The last block of a source whose size is not a multiple of the block size, zero-padded. */
export function padded(data: Uint8Array, blockSize: number): Uint8Array {
  if (data.length === blockSize) return data;
  const out = new Uint8Array(blockSize);
  out.set(data);
  return out;
}

/**
 * At most `parallel` jobs in flight: `add` waits for a free place, `settle` waits for every job
 * and rejects with the first failure. Stop adding once `failed`.
 */
export class BoundedJobs {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly parallel: number) {}

  get failed(): boolean {
    return this.failure !== undefined;
  }

  async add(job: Promise<void>): Promise<void> {
    const tracked = job
      .catch((error: unknown) => void (this.failure ??= { error }))
      .then(() => void this.running.delete(tracked));
    this.running.add(tracked);
    if (this.running.size >= this.parallel) await Promise.race(this.running);
  }

  async settle(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure !== undefined) throw this.failure.error;
  }
}
