import { strict as assert } from "node:assert";
import { test } from "node:test";
import { parseMappingOrThrow } from "../model/mapping.js";
import { shopInventory, westFacts } from "../../test/builders/shop-inventory.js";
import { selectTarget, type TargetAnswer } from "./select-target.js";

const inventory = shopInventory().build();
// The shop plus one Graviton machine: `--only machine:i-arm` needs m7g.large and nothing else.
const withArm = shopInventory()
  .machine("i-arm", {
    subnet: "subnet-priv-a",
    zone: "us-east-1a",
    groups: ["sg-web"],
    image: "ami-shop",
    type: "m7g.large",
    privateIp: "10.0.10.20",
  })
  .build();
const needs = (instanceTypes: Record<string, string[]> = {}, selection?: unknown) => ({
  inventory: selection === undefined ? inventory : withArm,
  mapping: parseMappingOrThrow({ target: "a", instanceTypes }),
  ...(selection === undefined ? {} : { selection }),
});
const noT3 = westFacts({
  instanceTypes: { "us-west-2a": ["m7g.large"], "us-west-2b": ["m7g.large"] },
});
const answers = (entries: Record<string, TargetAnswer>) => new Map(Object.entries(entries));

test("the first candidate that answers and offers every needed type is chosen", () => {
  const selection = selectTarget(
    ["down", "small", "good", "later"],
    answers({
      down: { ok: false, error: "connect ECONNREFUSED" },
      small: { ok: true, facts: noT3 },
      good: { ok: true, facts: westFacts() },
      later: { ok: true, facts: westFacts() },
    }),
    needs(),
  );
  assert.equal(selection.chosen, "good");
  assert.deepEqual(
    selection.considered.map((v) => [v.connection, v.chosen]),
    [
      ["down", false],
      ["small", false],
      ["good", true],
    ],
  );
  assert.match(selection.considered[0]!.reasons[0]!, /did not answer: connect ECONNREFUSED/);
  assert.ok(selection.considered[1]!.reasons.some((r) => /t3\.\w+/.test(r)));
});

test("a mapping.instanceTypes substitute offered in the zones qualifies the target", () => {
  const selection = selectTarget(
    ["small"],
    answers({ small: { ok: true, facts: noT3 } }),
    needs({ "t3.micro": ["m7g.large"], "t3.small": ["m7g.large"] }),
  );
  assert.equal(selection.chosen, "small");
});

test("none qualifies: no choice, every candidate with its reasons", () => {
  const selection = selectTarget(
    ["small", "missing"],
    answers({ small: { ok: true, facts: noT3 } }),
    needs(),
  );
  assert.equal(selection.chosen, undefined);
  assert.equal(selection.considered.length, 2);
  assert.ok(selection.considered.every((v) => !v.chosen && v.reasons.length > 0));
});

test("only the plan's selection is judged: --only a machine needs that machine's type alone", () => {
  const candidates = answers({
    small: { ok: true, facts: noT3 },
    good: { ok: true, facts: westFacts() },
  });
  const everything = selectTarget(["small", "good"], candidates, needs({}, {}));
  assert.equal(everything.considered[0]?.chosen, false, "the whole shop needs t3 types");
  const arm = selectTarget(["small", "good"], candidates, needs({}, { ids: ["machine:i-arm"] }));
  assert.equal(arm.chosen, "small");
  const network = selectTarget(["small"], candidates, needs({}, { kinds: ["network"] }));
  assert.equal(network.chosen, "small", "a network needs no instance type");
  const bastion = selectTarget(["small"], candidates, needs({}, { ids: ["machine:i-bastion"] }));
  assert.equal(bastion.chosen, undefined);
  assert.ok(bastion.considered[0]!.reasons.every((r) => r.includes("t3.micro")));
});
