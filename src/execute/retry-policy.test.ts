import { strict as assert } from "node:assert";
import { test } from "node:test";
import { backoffDelay, defaultRetryPolicy } from "./retry-policy.js";

const policy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 };

test("backoff doubles per attempt up to the cap", () => {
  const top = [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, () => 1));
  assert.deepEqual(top, [100, 200, 400, 800, 1_000, 1_000]);
});

test("jitter keeps every delay within the upper half of its nominal value", () => {
  for (let attempt = 1; attempt <= 6; attempt++) {
    const low = backoffDelay(attempt, policy, () => 0);
    const high = backoffDelay(attempt, policy, () => 0.999_999);
    const nominal = Math.min(1_000, 100 * 2 ** (attempt - 1));
    assert.equal(low, nominal / 2);
    assert.ok(high <= nominal && high > low);
  }
});

test("the default policy retries a few times and never waits more than 30 s", () => {
  assert.ok(defaultRetryPolicy.maxAttempts > 1);
  assert.equal(
    backoffDelay(50, defaultRetryPolicy, () => 1),
    30_000,
  );
});
