import { isRetryable } from "../../model/errors.js";
import type {
  Backend,
  ByteRange,
  ListOptions,
  ObjectInfo,
  ObjectType,
  SaveResult,
} from "../backend.js";

export interface RetryOptions {
  /** Total attempts per operation, including the first. Default 5. */
  readonly attempts?: number;
  /** First back-off delay; it doubles per attempt, with full jitter. Default 200 ms. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injected so tests do not wait on the wall clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called before each retry, e.g. to log it. */
  readonly onRetry?: (operation: string, attempt: number, error: unknown) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries operations that failed with a retryable error, with exponential back-off and full
 * jitter. Permanent errors (missing object, access denied) pass through at once. Retrying a
 * save is safe: an object that the failed attempt did store comes back as `created: false`,
 * and names are content hashes, so the stored bytes are the ones we meant to write.
 */
export function retryBackend(inner: Backend, options: RetryOptions = {}): Backend {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const run = async <T>(operation: string, body: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await body();
      } catch (error) {
        if (attempt >= attempts || !isRetryable(error)) throw error;
        options.onRetry?.(operation, attempt, error);
        await sleep(Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1))));
      }
    }
  };
  return {
    location: inner.location,
    save: (type: ObjectType, name: string, data: Uint8Array): Promise<SaveResult> =>
      run("save", () => inner.save(type, name, data)),
    load: (type: ObjectType, name: string, range?: ByteRange, into?: Uint8Array) =>
      run("load", () => inner.load(type, name, range, into)),
    stat: (type: ObjectType, name: string): Promise<ObjectInfo> =>
      run("stat", () => inner.stat(type, name)),
    list: (type: ObjectType, options?: ListOptions): Promise<ObjectInfo[]> =>
      run("list", () => inner.list(type, options)),
    remove: (type: ObjectType, name: string): Promise<void> =>
      run("remove", () => inner.remove(type, name)),
    close: () => inner.close(),
  };
}
