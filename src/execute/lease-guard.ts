/*
 * A paused executor (SIGSTOP, a frozen VM, a debugger) wakes up with work half done: a handler
 * that looked for its resource and found none is about to create it. Its lease may have expired
 * meanwhile and another executor may have finished the run; the store fences its next journal
 * write, but a cloud call made before that write would still go out. The cloud has no fencing
 * token, so the executor checks its own lease before every request instead: the AWS adapter
 * reads `signal.aborted` right before sending (src/providers/aws/aws-connection.ts), and that
 * read goes through here. After a resume from a pause the I/O callback carrying the awaited
 * answer runs before any timer, so a timer could not abort the signal in time; a check on read
 * can.
 */

const nativeAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")?.get;

/**
 * Makes every read of `signal.aborted` first check `held()`: when it returns false (the lease
 * may have lapsed), `lost()` is called — it must abort `signal`, e.g. through its controller —
 * before the read answers. Returns the same signal.
 */
export function guardSignal(
  signal: AbortSignal,
  held: () => boolean,
  lost: () => void,
): AbortSignal {
  const aborted = () => nativeAborted?.call(signal) === true;
  Object.defineProperty(signal, "aborted", {
    configurable: true,
    enumerable: true,
    get: () => {
      if (!aborted() && !held()) lost();
      return aborted();
    },
  });
  return signal;
}
