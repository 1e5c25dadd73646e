import { strict as assert } from "node:assert";
import { test } from "node:test";
import { z } from "zod";
import { isLifeboatError } from "../model/errors.js";
import type { WorkflowTarget } from "../model/workflow-target.js";
import { standaloneBuiltins } from "./builtin/index.js";
import { definePlugin, PLUGIN_API_VERSION } from "./plugin-api.js";
import { PluginRegistry } from "./plugin-registry.js";

const volumeFlush = definePlugin({
  name: "acme.action.flush",
  apiVersion: PLUGIN_API_VERSION,
  action: "exec",
  configSchema: z.object({}),
  appliesTo: (t: WorkflowTarget) => t.kind === "volume",
  execute: async () => ({}),
});

test("built-ins register under lifeboat. names and a duplicate name is refused", () => {
  const registry = new PluginRegistry();
  for (const plugin of standaloneBuiltins) registry.register(plugin);
  assert.ok(registry.list().every((p) => p.name.startsWith("lifeboat.action.")));
  assert.throws(
    () => registry.register(standaloneBuiltins[0]),
    (e) => isLifeboatError(e, "LB_PLUGIN_DUPLICATE"),
  );
});

test("a plug-in with another apiVersion is refused as incompatible, naming both versions", () => {
  const registry = new PluginRegistry();
  assert.throws(
    () => registry.register({ ...volumeFlush, apiVersion: 2 }, "./old.js"),
    (e) =>
      isLifeboatError(e, "LB_PLUGIN_INCOMPATIBLE") &&
      e.message.includes("apiVersion 2") &&
      e.message.includes(`apiVersion ${PLUGIN_API_VERSION}`),
  );
  assert.throws(
    () => registry.register({ ...volumeFlush, execute: "no" }, "./bad.js"),
    (e) => isLifeboatError(e, "LB_PLUGIN_INVALID"),
  );
});

test("resolve picks the first plug-in of the action that applies to every target", () => {
  const registry = new PluginRegistry();
  for (const plugin of standaloneBuiltins) registry.register(plugin);
  registry.register(volumeFlush, "acme");
  assert.equal(registry.resolve("exec", [{ kind: "local" }])?.name, "lifeboat.action.exec");
  assert.equal(
    registry.resolve("exec", [{ kind: "volume", path: "/x" }])?.name,
    "acme.action.flush",
  );
  assert.equal(
    registry.resolve("exec", [{ kind: "local" }, { kind: "volume", path: "/x" }]),
    undefined,
  );
  assert.equal(
    registry.resolve("acme.action.flush", [{ kind: "volume", path: "/x" }])?.name,
    "acme.action.flush",
  );
  assert.deepEqual(registry.candidates("nope"), []);
});
