/** The volumes and databases captured together at one instant (docs/protect.md). */
export interface ConsistencyGroup {
  readonly id: string;
  readonly environment: string;
  readonly volumes: readonly string[];
  readonly databases: readonly string[];
}

/**
 * The call point around scan and CBT captures of a consistency group (a journal cut needs
 * none: it is one timestamp). `quiesce` freezes writers (fsfreeze, a database checkpoint and
 * lock, a workflow); `unquiesce` releases them. The protection cycle calls `unquiesce` exactly
 * once after every `quiesce` that was started, even when `quiesce` or the capture failed, so a
 * plug-in must accept an unquiesce of a half-done quiesce. Hooks must be idempotent: after a
 * crash the next cycle quiesces again (the workflow hooks, src/workflows/cycle-hooks.ts, first
 * undo what the crashed cycle left open).
 */
export interface QuiesceHooks {
  quiesce(group: ConsistencyGroup, signal?: AbortSignal): Promise<void>;
  /** `failure`: the quiesce's or the capture's error when they failed (hooks may record it). */
  unquiesce(group: ConsistencyGroup, failure?: unknown): Promise<void>;
}

/** Hooks that do nothing: captures are crash-consistent only. */
export const noQuiesce: QuiesceHooks = {
  quiesce: async () => undefined,
  unquiesce: async () => undefined,
};

/**
 * Runs `capture` between `quiesce` and `unquiesce`; unquiesce always runs. An unquiesce
 * failure after a successful capture is reported (the writers may still be frozen); after a
 * failed capture the capture's error wins.
 */
export async function withQuiesce<T>(
  hooks: QuiesceHooks,
  group: ConsistencyGroup,
  capture: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  let result: T;
  try {
    await hooks.quiesce(group, signal);
    result = await capture();
  } catch (error) {
    await hooks.unquiesce(group, error).catch(() => undefined);
    throw error;
  }
  await hooks.unquiesce(group);
  return result;
}
