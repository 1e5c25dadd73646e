import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { StepRecord } from "../store/steps-repo.js";
import type { ExecutableStep } from "./execution-plan.js";
import { teardownSteps } from "./teardown-plan.js";

const s = (id: string, dependsOn: string[] = [], kind = "create"): ExecutableStep => ({
  id,
  kind,
  dependsOn,
  idempotencyKey: `key-${id}`,
  input: null,
});
const rec = (stepId: string, attempts: number) => ({ stepId, attempts }) as StepRecord;

test("undo steps reverse the dependencies, through steps that are not undone", () => {
  const steps = [
    s("net"),
    s("subnet", ["net"]),
    s("attach", ["subnet"], "configure"),
    s("vm", ["attach"]),
    s("never", ["net"]),
  ];
  const records = [
    rec("net", 1),
    rec("subnet", 2),
    rec("attach", 1),
    rec("vm", 1),
    rec("never", 0),
  ];
  const undo = teardownSteps(steps, records, (kind) => kind === "create");
  assert.deepEqual(
    undo.map((u) => [u.id, u.dependsOn]),
    [
      ["undo:vm", []],
      ["undo:subnet", ["undo:vm"]],
      ["undo:net", ["undo:subnet"]],
    ],
  );
  assert.equal(undo[0]?.idempotencyKey, "undo:key-vm");
});
