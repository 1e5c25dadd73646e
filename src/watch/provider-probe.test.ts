import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import type { ProviderStatus } from "../providers/provider.js";
import { providerProbe } from "./provider-probe.js";

// The probe's mapping is tested here against the port's answers; the AWS adapter's `status`
// itself is tested against moto with the adapter.
const answer = (status: ProviderStatus | "hang") => ({
  status: () =>
    status === "hang" ? new Promise<ProviderStatus>(() => undefined) : Promise.resolve(status),
});
const failure = (code: string): ProviderStatus => ({
  ok: false,
  code,
  message: "m",
  retryable: true,
});
const clock = new ManualClock();
const run = (status: ProviderStatus | "hang", timeoutMs = 2000) =>
  providerProbe({ name: "east", provider: answer(status), timeoutMs, clock }).run(
    new AbortController().signal,
  );

test("a provider API that answers is OK", async () => {
  const identity = { type: "aws", account: "1", principal: "p", region: "us-east-1" };
  const result = await run({ ok: true, identity });
  assert.equal(result.code, "OK");
  assert.equal(result.probeId, "provider:east");
});

test("an API that does not answer is REGION_UNREACHABLE; throttling is DEGRADED", async () => {
  assert.equal((await run(failure("LB_PROVIDER_UNREACHABLE"))).code, "REGION_UNREACHABLE");
  assert.equal((await run("hang", 50)).code, "REGION_UNREACHABLE");
  assert.equal((await run(failure("LB_PROVIDER_THROTTLED"))).code, "DEGRADED");
});

test("our own credential or request problems are UNKNOWN, never evidence of an outage", async () => {
  assert.equal((await run(failure("LB_PROVIDER_AUTH"))).code, "UNKNOWN");
  assert.equal((await run(failure("LB_PROVIDER_REQUEST_FAILED"))).code, "UNKNOWN");
});
