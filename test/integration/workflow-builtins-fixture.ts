/**
 * Runs one workflow with the real runner on a fresh SQLite store (environment `shop`), for the
 * built-in action tests (ssh, fsfreeze, wait-healthy, aws-ssm-run).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workflowSchema } from "../../src/model/workflow.js";
import { standaloneBuiltins } from "../../src/plugins/builtin/index.js";
import { sshPlugin } from "../../src/plugins/builtin/ssh.js";
import type { MachineAddresses } from "../../src/plugins/machine-address-port.js";
import type { AnyPlugin } from "../../src/plugins/plugin-api.js";
import { PluginRegistry } from "../../src/plugins/plugin-registry.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { planWorkflow } from "../../src/workflows/workflow-plan.js";
import type { WorkflowReport } from "../../src/workflows/workflow-report.js";
import { WorkflowRunner } from "../../src/workflows/workflow-runner.js";

/** No captured inventory: `ssh` targets need their `host`. */
export const noInventory: MachineAddresses = { addressOf: async () => null };

/**
 * A registry of the standalone built-ins, `ssh` (machine addresses from `addresses`) and
 * `extra` (other built-ins made by factories).
 */
export function builtinRegistry(
  extra: readonly AnyPlugin[] = [],
  addresses: MachineAddresses = noInventory,
): PluginRegistry {
  const registry = new PluginRegistry();
  for (const plugin of [...standaloneBuiltins, sshPlugin(addresses), ...extra]) {
    registry.register(plugin);
  }
  return registry;
}

export interface RunResult {
  readonly report: WorkflowReport;
  /** The run's journal event types, in order. */
  readonly events: readonly { type: string; stepId: string | null }[];
}

/** Plans `steps` (raw, as a config file has them) and runs them to the end. */
export async function runSteps(
  steps: readonly Record<string, unknown>[],
  registryFor: PluginRegistry | ((store: Store) => Promise<PluginRegistry>) = builtinRegistry(),
  signal?: AbortSignal,
): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "lifeboat-wf-builtin-"));
  const store = await openStore(`sqlite:${join(dir, "state.db")}`);
  try {
    await createEnvironment(store, { name: "shop", configDigest: "d" });
    const registry = registryFor instanceof PluginRegistry ? registryFor : await registryFor(store);
    const plan = planWorkflow("builtin", workflowSchema.parse({ steps }), registry);
    const runner = new WorkflowRunner({ store, registry, leaseTtlMs: 60_000 });
    const report = await runner.run(plan, "shop", signal);
    const events = (await listStepEvents(store, report.runId)).map((e) => ({
      type: e.type,
      stepId: e.stepId ?? null,
    }));
    return { report, events };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The step's report; throws when the run has no such step. */
export function stepOf(report: WorkflowReport, id: string) {
  const step = report.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id} in the report`);
  return step;
}
