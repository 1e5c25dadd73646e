import { strict as assert } from "node:assert";
import { test } from "node:test";
import { withQuiesce, type ConsistencyGroup, type QuiesceHooks } from "./quiesce-hooks.js";

const group: ConsistencyGroup = {
  id: "g",
  environment: "shop",
  volumes: ["a", "b"],
  databases: [],
};

function recordingHooks(failQuiesce = false): QuiesceHooks & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    quiesce: async (g) => {
      calls.push(`quiesce ${g.id}`);
      if (failQuiesce) throw new Error("freeze failed");
    },
    unquiesce: async (g, failure) =>
      void calls.push(
        `unquiesce ${g.id}${failure instanceof Error ? ` after ${failure.message}` : ""}`,
      ),
  };
}

test("withQuiesce runs the capture between quiesce and unquiesce", async () => {
  const hooks = recordingHooks();
  const result = await withQuiesce(hooks, group, async () => {
    hooks.calls.push("capture");
    return 7;
  });
  assert.equal(result, 7);
  assert.deepEqual(hooks.calls, ["quiesce g", "capture", "unquiesce g"]);
});

test("unquiesce runs, told the failure, when the capture or the quiesce fails; the first error wins", async () => {
  const hooks = recordingHooks();
  await assert.rejects(
    withQuiesce(hooks, group, async () => {
      throw new Error("upload failed");
    }),
    /upload failed/,
  );
  assert.deepEqual(hooks.calls, ["quiesce g", "unquiesce g after upload failed"]);
  const failing = recordingHooks(true);
  await assert.rejects(
    withQuiesce(failing, group, async () => failing.calls.push("capture")),
    /freeze failed/,
  );
  assert.deepEqual(failing.calls, ["quiesce g", "unquiesce g after freeze failed"]);
});
