import { invariant, LifeboatError } from "../model/errors.js";
import {
  canonicalJson,
  digestOf,
  inventoryDigest,
  isRef,
  type Inventory,
  type JsonValue,
  type LogicalId,
  type Resource,
} from "../model/inventory/index.js";
import type { Mapping } from "../model/mapping.js";
import {
  planFormat,
  planSchema,
  type AttachedWorkflows,
  type Plan,
  type RecoveryMode,
} from "../model/plan/index.js";
import { orderEdges, refsIn } from "./order-edges.js";
import { analyseGraph, reduceEdges, type GraphAnalysis } from "./plan-graph.js";
import { withFailoverSteps, type FailoverOptions, type PlanStep } from "./failover-plan.js";
import type { PlanProblem } from "./plan-problem.js";
import { checkRequest } from "./preflight.js";
import { resourceSteps, type DraftStep, type VolumeData } from "./resource-steps.js";
import type { TargetFacts } from "./target-facts.js";
import { withWorkflowSteps } from "./workflow-steps.js";

export interface PlanRequest {
  readonly environment: string;
  readonly inventory: Inventory;
  /** The stored inventory version the inventory came from, if any. */
  readonly inventoryVersion?: string;
  /** A validated mapping (model/mapping.ts `parseMapping`). */
  readonly mapping: Mapping;
  /** `--only` and deploy flags; absent selects everything. */
  readonly selection?: unknown;
  readonly mode: RecoveryMode;
  readonly facts: TargetFacts;
  /** Drills only: limit every group's egress to its own network (`Plan.isolateEgress`). */
  readonly isolateEgress?: boolean;
  /**
   * Volume logical id → the repository image snapshot holding its chosen recovery point: such
   * a volume is made by a `hydrate` step (its blocks written into the target) instead of an
   * empty `create` (docs/hydration.md).
   */
  readonly volumeData?: Readonly<Record<LogicalId, string | VolumeData>>;
  /** Failover only: verify, approval, DNS move, fence and mark steps (docs/failover.md). */
  readonly failover?: FailoverOptions;
  /** Workflows attached at named points of the plan (`recovery.workflows`). */
  readonly workflows?: AttachedWorkflows;
}

export type PlanOutcome =
  | { readonly ok: true; readonly plan: Plan; readonly analysis: GraphAnalysis }
  | { readonly ok: false; readonly problems: readonly PlanProblem[] };

/**
 * Builds a recovery plan, or the complete list of reasons it cannot (pre-flight: unmapped
 * zones, types not offered, CIDR overlaps, missing images and key pairs, bad selections).
 * Pure: everything about the target comes in `facts`; nothing is created or looked up.
 * Deterministic: the same request gives a byte-identical plan (canonical JSON).
 */
export function planRecovery(request: PlanRequest): PlanOutcome {
  const checked = checkRequest(request);
  if (!checked.ok) return { ok: false, problems: checked.problems };
  const { selection, resolution } = checked;
  const selected = { resources: checked.resources };

  const byId = new Map<LogicalId, Resource>(request.inventory.resources.map((r) => [r.id, r]));
  const ctx = {
    inventory: request.inventory,
    environment: request.environment,
    targetRegion: request.facts.region,
    mapping: request.mapping,
    selection,
    resolution,
    mode: request.mode,
    isolateEgress: request.isolateEgress === true,
    volumeData: new Map(
      (Object.entries(request.volumeData ?? {}) as [LogicalId, string | VolumeData][]).map(
        ([id, data]) => [id, typeof data === "string" ? { snapshot: data } : data],
      ),
    ),
    planned: new Set(selected.resources.map((r) => r.id)),
    byId,
  };
  const made = selected.resources.flatMap((r) => resourceSteps(r, ctx));
  const bindings: Record<string, string> = {};
  for (const d of made) if (d.binds) bindings[d.resource] = d.id;
  const drafts = made.map((d) => ({ ...d, input: keptInPlace(d.input, bindings) }));
  const edges = orderEdges(drafts, bindings, byId);
  for (const d of drafts) {
    for (const target of refsIn(d.input)) {
      invariant(
        bindings[target] !== undefined,
        `plan: ${d.id} refers to ${target}, bound by no step`,
      );
    }
  }
  const graph = drafts.map((d) => ({ id: d.id, dependsOn: [...edges.get(d.id)!] }));
  let analysis = analyseGraph(graph);
  const direct = reduceEdges(graph);
  const ordered = [...drafts].sort(
    (a, b) =>
      (analysis.waveOf.get(a.id) ?? 0) - (analysis.waveOf.get(b.id) ?? 0) || compare(a.id, b.id),
  );
  let steps: PlanStep[] = ordered.map((d) => toStep(d, direct.get(d.id) ?? []));
  if (request.mode === "failover" && request.failover) {
    const added = withFailoverSteps({
      steps,
      bindings,
      inventory: request.inventory,
      planned: ctx.planned,
      targetConnection: request.mapping.target,
      options: request.failover,
    });
    if ("problems" in added) return { ok: false, problems: added.problems };
    steps = added.steps;
    analysis = analyseGraph(steps.map((s) => ({ id: s.id, dependsOn: s.dependsOn })));
  }
  if (Object.values(request.workflows ?? {}).some((names) => names.length > 0)) {
    steps = withWorkflowSteps({
      steps,
      bindings,
      inventory: request.inventory,
      workflows: request.workflows ?? {},
    });
    analysis = analyseGraph(steps.map((s) => ({ id: s.id, dependsOn: s.dependsOn })));
  }
  const body = {
    format: planFormat,
    environment: request.environment,
    source: {
      provider: request.inventory.provider,
      account: request.inventory.account,
      region: request.inventory.region,
      inventoryDigest: inventoryDigest(canonicalOrder(request.inventory)),
      ...(request.inventoryVersion === undefined ? {} : { version: request.inventoryVersion }),
    },
    target: { connection: request.mapping.target, region: request.facts.region },
    mode: request.mode,
    ...(request.isolateEgress === true ? { isolateEgress: true } : {}),
    mapping: { ...request.mapping, zones: resolution.zones },
    selection,
    bindings,
    steps,
  };
  const id = `plan-${digestOf(body).slice("sha256:".length, "sha256:".length + 16)}`;
  const keyed = body.steps.map((s) => ({ ...s, idempotencyKey: idempotencyKey(id, s.id) }));
  const plan = planSchema.parse(JSON.parse(canonicalJson({ ...body, id, steps: keyed })));
  return { ok: true, plan, analysis };
}

/** {@link planRecovery}, with problems turned into `LB_PLAN_PREFLIGHT_FAILED` (exit 2). */
export function planRecoveryOrThrow(request: PlanRequest): { plan: Plan; analysis: GraphAnalysis } {
  const outcome = planRecovery(request);
  if (outcome.ok) return outcome;
  throw new LifeboatError(
    "LB_PLAN_PREFLIGHT_FAILED",
    `pre-flight found ${outcome.problems.length} problem(s): ${outcome.problems.map((p) => p.message).join("; ")}`,
    { details: { problems: outcome.problems } },
  );
}

/**
 * A reference to a selected resource that no step rebuilds — a public zone or record, which DNS
 * keeps where it is — names something that already exists in the target: it is external.
 */
function keptInPlace(value: JsonValue, bindings: Readonly<Record<string, string>>): JsonValue {
  if (isRef(value)) return bindings[value.ref] === undefined ? { external: value.ref } : value;
  if (Array.isArray(value)) return value.map((item) => keptInPlace(item, bindings));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, keptInPlace(item, bindings)]),
    );
  }
  return value;
}

/** 40 hex digits from the plan and step ids: short enough for EC2's 64-character ClientToken. */
export function idempotencyKey(planId: string, stepId: string): string {
  return digestOf({ plan: planId, step: stepId }).slice("sha256:".length, "sha256:".length + 40);
}

function toStep(d: DraftStep, dependsOn: string[]): PlanStep {
  return {
    id: d.id,
    kind: d.kind,
    resource: d.resource,
    resourceKind: d.resourceKind,
    summary: d.summary,
    dependsOn,
    idempotencyKey: "",
    input: d.input,
    ...(d.gate ? { gate: d.gate } : {}),
  };
}

/** Inventories are canonical when built; a hand-assembled one must digest the same way. */
function canonicalOrder(inventory: Inventory): Inventory {
  const byId = (a: { id: string }, b: { id: string }) => compare(a.id, b.id);
  return {
    ...inventory,
    resources: [...inventory.resources].sort(byId),
    externals: [...inventory.externals].sort(byId),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
