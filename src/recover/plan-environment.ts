import { loadVersion, type VersionRef } from "../capture/stored-versions.js";
import type { InventoryVersion } from "../capture/version-ports.js";
import { LifeboatError } from "../model/errors.js";
import type { Inventory } from "../model/inventory/index.js";
import type { Plan, RecoveryMode } from "../model/plan/index.js";
import {
  planRecovery,
  targetFactsRequest,
  type FailoverOptions,
  type GraphAnalysis,
} from "../plan/index.js";
import type { RecoveryDeps } from "./recovery-deps.js";
import { volumeDataFor } from "./volume-data.js";

/** What to plan: which recovery point, what to bring up, and how. */
export interface EnvironmentPlanRequest {
  /** The inventory version (`--version N`, `--at <time>`); default the latest. */
  readonly point?: VersionRef;
  /** `--only` as a plan selection (kinds, ids, tags); absent selects everything. */
  readonly selection?: unknown;
  readonly mode: RecoveryMode;
  /** Drills only: restrict every group's egress to its own network (default on in drills). */
  readonly isolateEgress?: boolean;
  /** Volume logical id → repository image snapshot to hydrate it from (`--hydrate`). */
  readonly volumeData?: Readonly<Record<string, string>>;
  /**
   * Hydrate every other volume that has a recovery point from its newest one (default true;
   * `--no-hydrate` sets false). Pre-staged points are used as they are (docs/hydration.md).
   */
  readonly hydrate?: boolean;
  /** Failover only: wait for `lifeboat approve` before DNS moves (docs/approvals.md). */
  readonly approval?: boolean;
  readonly signal?: AbortSignal;
}

/** A plan with where it came from: the recovery point and the target it was planned against. */
export interface EnvironmentPlan {
  readonly plan: Plan;
  readonly analysis: GraphAnalysis;
  /** The recovery point: the inventory version the plan rebuilds. */
  readonly version: InventoryVersion;
  readonly inventory: Inventory;
  /** How the target was chosen from `recovery.targets`; absent with a single target. */
  readonly targetSelection?: RecoveryDeps["targetSelection"];
}

/**
 * Resolves the recovery point, gathers the target's facts (read-only) and plans. Pre-flight
 * problems, all of them, → `LB_PLAN_PREFLIGHT_FAILED` (exit 2) with `details.problems`; nothing
 * is created in the target and nothing is written to the store. A missing version →
 * `LB_VERSION_NOT_FOUND` (exit 3).
 */
export async function planEnvironment(
  deps: RecoveryDeps,
  request: EnvironmentPlanRequest,
): Promise<EnvironmentPlan> {
  const archive = await deps.archive();
  const { version, inventory } = await loadVersion(
    { archive, index: deps.index },
    deps.environment,
    request.point ?? { latest: true },
  );
  const facts = await deps.targetFacts.gather(
    targetFactsRequest(inventory, deps.mapping),
    request.signal,
  );
  for (const id of Object.keys(request.volumeData ?? {})) {
    if (!inventory.resources.some((r) => r.id === id && r.kind === "volume")) {
      throw new LifeboatError(
        "LB_INVALID_INPUT",
        `--hydrate names ${id}, which is not a volume of inventory version ${version.version}`,
        { details: { volume: id } },
      );
    }
  }
  const volumeData = await volumeDataFor(deps.store, {
    environment: deps.environment,
    target: deps.mapping.target,
    inventory,
    point: request.point,
    explicit: request.volumeData ?? {},
    hydrate: request.hydrate !== false,
  });
  const isolateEgress = request.mode === "drill" && request.isolateEgress !== false;
  const outcome = planRecovery({
    environment: deps.environment,
    inventory,
    inventoryVersion: String(version.version),
    mapping: deps.mapping,
    mode: request.mode,
    facts,
    ...(request.selection === undefined ? {} : { selection: request.selection }),
    ...(isolateEgress ? { isolateEgress } : {}),
    volumeData,
    ...(request.mode === "failover" ? failoverOf(deps, request.approval === true) : {}),
    ...(deps.workflows === undefined ? {} : { workflows: deps.workflows }),
  });
  if (!outcome.ok) {
    throw new LifeboatError(
      "LB_PLAN_PREFLIGHT_FAILED",
      `pre-flight found ${outcome.problems.length} problem(s) with recovering ` +
        `${deps.environment} into ${deps.mapping.target}; nothing was created: ` +
        outcome.problems.map((p) => p.message).join("; "),
      {
        details: {
          environment: deps.environment,
          target: deps.mapping.target,
          problems: outcome.problems,
        },
      },
    );
  }
  const { targetSelection } = deps;
  return {
    plan: outcome.plan,
    analysis: outcome.analysis,
    version,
    inventory,
    ...(targetSelection === undefined ? {} : { targetSelection }),
  };
}

function failoverOf(deps: RecoveryDeps, approval: boolean): { failover?: FailoverOptions } {
  if (!deps.failover) return {};
  const { approvalTimeoutSeconds, ...options } = deps.failover;
  return {
    failover: {
      ...options,
      ...(approval ? { approval: { timeoutSeconds: approvalTimeoutSeconds } } : {}),
    },
  };
}
