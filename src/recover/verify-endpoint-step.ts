import type { StepHandler } from "../execute/step-handler.js";
import { LifeboatError } from "../model/errors.js";
import { verifyEndpointInputSchema } from "../model/plan/failover-steps.js";
import { httpProbe } from "../watch/http-probe.js";
import { parseStepInput } from "../execute/step-input.js";

/** One probe call never waits longer than this, whatever the step's timeout. */
const probeTimeoutMs = 10_000;

/**
 * The handler of `verify` steps: GETs the recovered endpoint (the HTTP probe of the watcher,
 * docs/watch.md) every `everySeconds` until it answers `OK` or `DEGRADED` — healthy, maybe slow —
 * and fails with `LB_ENDPOINT_UNHEALTHY` when `timeoutSeconds` (on the executor's clock) pass
 * first, so DNS is never moved to a copy that does not serve. Makes nothing; no undo.
 */
export const verifyEndpointStep: StepHandler = {
  async execute(step, ctx) {
    const input = parseStepInput(verifyEndpointInputSchema, ctx.input, step.id);
    const dnsName = input.dnsNameFrom
      ? ctx.dependencyOutputs.get(input.dnsNameFrom)?.dnsName
      : undefined;
    const url = input.url.replaceAll("{dnsName}", typeof dnsName === "string" ? dnsName : "");
    const deadline = ctx.clock.now().getTime() + input.timeoutSeconds * 1000;
    for (let attempt = 1; ; attempt++) {
      const result = await httpProbe({
        url,
        timeoutMs: probeTimeoutMs,
        clock: ctx.clock,
        ...(input.expectStatus === undefined ? {} : { expectStatus: input.expectStatus }),
        ...(input.bodyContains === undefined ? {} : { bodyContains: input.bodyContains }),
      }).run(ctx.signal);
      if (ctx.signal.aborted) throw new LifeboatError("LB_CANCELLED", "endpoint check cancelled");
      if (result.code === "OK" || result.code === "DEGRADED") {
        return {
          outputs: { url, code: result.code, latencyMs: result.latencyMs, attempts: attempt },
        };
      }
      const remaining = deadline - ctx.clock.now().getTime();
      if (remaining <= 0) {
        throw new LifeboatError(
          "LB_ENDPOINT_UNHEALTHY",
          `${url} did not answer healthy within ${input.timeoutSeconds} s: ${result.code} ${result.detail}`,
          { details: { url, code: result.code, detail: result.detail, attempts: attempt } },
        );
      }
      await ctx.clock.sleep(Math.min(input.everySeconds * 1000, remaining), ctx.signal);
    }
  },
};
