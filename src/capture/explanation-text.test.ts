import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { Explanation } from "./explanation.js";
import { explanationText } from "./explanation-text.js";

const explanation: Explanation = {
  included: [
    {
      id: "scaling-group:web",
      kind: "scaling-group",
      name: "web",
      why: [{ type: "selected", by: "tags" }],
    },
    {
      id: "launch-template:lt-1",
      kind: "launch-template",
      name: "web-lt",
      why: [{ type: "dependency", of: "scaling-group:web", path: "launchTemplate.template" }],
    },
  ],
  leftOut: [
    ...Array.from({ length: 7 }, (_, i) => ({
      id: `machine:i-${i}`,
      kind: "machine",
      name: `web-${i}`,
      why: { type: "managed", by: "scaling-group:web" } as const,
    })),
    { id: "network:vpc-d", kind: "network", name: "default", why: { type: "default" } },
  ],
  externals: [
    {
      id: "key-pair:ops",
      kind: "key-pair",
      providerId: "ops",
      reason: "not-captured-kind",
      hints: {},
    },
  ],
  warnings: [],
};

test("the explanation says what is in, why, and what was left out", () => {
  const text = explanationText(explanation);
  assert.match(text, /selected by tags \(1\):\n {4}scaling-group:web "web"/);
  assert.match(
    text,
    /launch-template:lt-1 "web-lt" ← scaling-group:web \(launchTemplate\.template\)/,
  );
  assert.match(text, /created and replaced by another resource \(7\):/);
  assert.match(text, /… 2 more \(--verbose lists all\)/);
  assert.match(text, /network:vpc-d/);
  assert.match(text, /key-pair:ops: not-captured-kind/);
});

test("verbose lists every left-out resource", () => {
  const text = explanationText(explanation, { verbose: true });
  assert.match(text, /machine:i-6 \(by scaling-group:web\)/);
  assert.doesNotMatch(text, /more \(--verbose/);
});
