import type { ExecutableStep } from "../../../execute/execution-plan.js";
import type { StepContext } from "../../../execute/step-handler.js";
import { LifeboatError } from "../../../model/errors.js";

/** The state a poll saw: `done` ends it, `failed` fails the step (not retried). */
export type PollState = "done" | "pending" | { readonly failed: string };

/**
 * Polls `check` until it answers `done`, with growing pauses (1 s, 2 s, … capped at 15 s) on the
 * injected clock, until the step's gate timeout (`gate.timeoutSeconds`, default 900 s) passes →
 * `LB_TIMEOUT` (retryable: a resume polls again). Honours the cancel signal.
 */
export async function pollUntil(
  step: ExecutableStep,
  ctx: Pick<StepContext, "clock" | "signal">,
  what: string,
  check: () => Promise<PollState>,
): Promise<void> {
  const gate = (step as { gate?: { timeoutSeconds?: number } }).gate;
  const timeoutMs = (gate?.timeoutSeconds ?? 900) * 1000;
  const start = ctx.clock.now().getTime();
  for (let round = 0; ; round++) {
    const state = await check();
    if (state === "done") return;
    if (state !== "pending") {
      throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", `${what}: ${state.failed}`, {
        details: { step: step.id, state: state.failed },
      });
    }
    if (ctx.clock.now().getTime() - start >= timeoutMs) {
      throw new LifeboatError("LB_TIMEOUT", `${what}: not ready after ${timeoutMs / 1000} s`, {
        details: { step: step.id, timeoutSeconds: timeoutMs / 1000 },
      });
    }
    await ctx.clock.sleep(Math.min(15_000, 1000 * 2 ** Math.min(round, 4)), ctx.signal);
  }
}
