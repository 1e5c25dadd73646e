import type { Inventory, JsonValue, LogicalId, Resource } from "../model/inventory/index.js";
import type { Step } from "../model/plan/index.js";
import type { PlanProblem } from "./plan-problem.js";

/**
 * What a failover run adds after the rebuild (docs/failover.md): built by the composition root
 * from the environment's config (`recovery.verify`, `recovery.fence`, `recovery.approvalTimeout`,
 * `dns`) and the request (approval wanted or not).
 */
export interface FailoverOptions {
  /** The provider connection of the primary (the environment's `source`): what `fence` acts on. */
  readonly sourceConnection: string;
  readonly verify?: {
    readonly url: string;
    readonly expectStatus?: number | { readonly min: number; readonly max: number };
    readonly bodyContains?: string;
    readonly timeoutSeconds: number;
    readonly everySeconds: number;
  };
  /** Present: a human approves before DNS changes. */
  readonly approval?: { readonly timeoutSeconds: number };
  readonly dns?: {
    readonly zone: string;
    readonly records: readonly string[];
    /** Source name or provider id of the load balancer the records move to. */
    readonly loadBalancer?: string;
    readonly ttlSeconds?: number;
    readonly lowerTtlSeconds?: number;
  };
  readonly fence: boolean;
}

/** A plan step before its idempotency key is derived from the plan id. */
export type PlanStep = Step;

export interface FailoverStepsInput {
  readonly steps: readonly PlanStep[];
  readonly bindings: Readonly<Record<string, string>>;
  readonly inventory: Inventory;
  /** Logical ids of the resources the plan rebuilds. */
  readonly planned: ReadonlySet<string>;
  /** The target connection (Route53 calls use its credentials). */
  readonly targetConnection: string;
  readonly options: FailoverOptions;
}

/**
 * Appends the failover steps to a rebuild plan, in this order:
 * `dns-ttl:records` (no dependencies: lowers TTLs while the target is built) →
 * `verify:endpoint` (after every rebuild step) → `approval:dns` (when asked) →
 * `dns-move:records` and the planner's own `dns` steps → `fence:source` → `mark:failed-over`.
 * Without a verify or approval step the gate is the rebuild itself. The planner's `dns` step of
 * a record that `dns.records` names is dropped: `dns-move` moves it. Pure; problems (no load
 * balancer to move the records to, or several and none chosen) are returned, not thrown.
 */
export function withFailoverSteps(
  input: FailoverStepsInput,
): { steps: PlanStep[] } | { problems: PlanProblem[] } {
  const { options } = input;
  const moved = new Set((options.dns?.records ?? []).map(normalName));
  const rebuild = input.steps.filter((s) => s.kind !== "dns");
  const dnsSteps = input.steps.filter((s) => s.kind === "dns" && !movedByConfig(s, moved));
  const lb = options.dns || options.verify ? pickLoadBalancer(input) : undefined;
  if (lb && "problem" in lb) return { problems: [lb.problem] };
  const lbStep = lb ? input.bindings[lb.id] : undefined;
  const added: PlanStep[] = [];
  const add = (step: Omit<PlanStep, "idempotencyKey">) => {
    const full = { ...step, idempotencyKey: "" };
    added.push(full);
    return full.id;
  };

  if (options.dns?.lowerTtlSeconds !== undefined) {
    add({
      id: "dns-ttl:records",
      kind: "dns-ttl",
      summary: `lower the TTL of ${options.dns.records.join(", ")} to ${options.dns.lowerTtlSeconds} s`,
      dependsOn: [],
      input: {
        connection: input.targetConnection,
        zone: options.dns.zone,
        records: [...options.dns.records],
        ttl: options.dns.lowerTtlSeconds,
      },
    });
  }
  let gate = sinks(rebuild);
  if (options.verify) {
    const v = options.verify;
    const verifyId = add({
      id: "verify:endpoint",
      kind: "verify",
      summary: `check ${v.url} answers healthy before traffic moves`,
      dependsOn: gate,
      input: {
        url: v.url,
        ...(lbStep === undefined ? {} : { dnsNameFrom: lbStep }),
        ...(v.expectStatus === undefined ? {} : { expectStatus: v.expectStatus }),
        ...(v.bodyContains === undefined ? {} : { bodyContains: v.bodyContains }),
        timeoutSeconds: v.timeoutSeconds,
        everySeconds: v.everySeconds,
      },
    });
    gate = [verifyId];
  }
  if (options.approval) {
    gate = [
      add({
        id: "approval:dns",
        kind: "approval",
        summary: "wait for `lifeboat approve` before moving DNS",
        dependsOn: gate,
        input: {
          timeoutSeconds: options.approval.timeoutSeconds,
          message: `move ${options.dns?.records.join(", ") ?? "DNS"} to the recovered environment`,
        },
      }),
    ];
  }
  const traffic: string[] = [];
  if (options.dns && lb && !("problem" in lb)) {
    traffic.push(
      add({
        id: "dns-move:records",
        kind: "dns-move",
        summary: `point ${options.dns.records.join(", ")} at load balancer ${lb.name}`,
        dependsOn: [
          ...gate,
          ...(options.dns.lowerTtlSeconds === undefined ? [] : ["dns-ttl:records"]),
        ],
        input: {
          connection: input.targetConnection,
          zone: options.dns.zone,
          records: [...options.dns.records],
          to: { loadBalancer: { ref: lb.id } },
          ...(options.dns.ttlSeconds === undefined ? {} : { ttl: options.dns.ttlSeconds }),
        },
      }),
    );
  }
  const gatedDns = dnsSteps.map((s) => ({ ...s, dependsOn: unique([...s.dependsOn, ...gate]) }));
  traffic.push(...gatedDns.map((s) => s.id));
  let last = traffic.length > 0 ? traffic : gate;
  if (options.fence) {
    last = [
      add({
        id: "fence:source",
        kind: "fence",
        summary: `fence the primary: scaling groups to 0, machines stopped (${options.sourceConnection})`,
        dependsOn: last,
        input: fenceInput(input),
      }),
    ];
  }
  add({
    id: "mark:failed-over",
    kind: "mark",
    summary: "mark the environment failed-over",
    dependsOn: last,
    input: { status: "failed-over" },
  });
  return { steps: [...rebuild, ...gatedDns, ...added] };
}

function fenceInput(input: FailoverStepsInput): JsonValue {
  const planned = input.inventory.resources.filter((r) => input.planned.has(r.id));
  const groups = planned.flatMap((r) =>
    r.kind === "scaling-group"
      ? [
          {
            name: r.providerId,
            minSize: r.properties.minSize,
            maxSize: r.properties.maxSize,
            desiredCapacity: r.properties.desiredCapacity,
          },
        ]
      : [],
  );
  const machines = planned.filter((r) => r.kind === "machine").map((r) => r.providerId);
  return {
    connection: input.options.sourceConnection,
    scalingGroups: groups,
    instances: machines.sort(),
  };
}

/** The rebuilt load balancer the records move to: the one named, or the only internet-facing one. */
function pickLoadBalancer(
  input: FailoverStepsInput,
): { id: LogicalId; name: string } | { problem: PlanProblem } | undefined {
  const rebuilt = input.inventory.resources.filter(
    (r): r is Resource & { kind: "load-balancer" } =>
      r.kind === "load-balancer" && input.bindings[r.id] !== undefined,
  );
  const wanted = input.options.dns?.loadBalancer;
  const candidates = wanted
    ? rebuilt.filter((r) => [r.name, r.providerId, r.id].includes(wanted))
    : rebuilt.filter((r) => r.properties.scheme !== "internal");
  if (candidates.length === 1) return { id: candidates[0]!.id, name: candidates[0]!.name };
  if (!input.options.dns && candidates.length === 0) return undefined;
  return {
    problem: {
      code: "failover-target-unclear",
      message:
        candidates.length === 0
          ? `no rebuilt load balancer${wanted ? ` named ${wanted}` : ""} to move ${input.options.dns?.records.join(", ") ?? "traffic"} to`
          : `${candidates.length} rebuilt load balancers could take the traffic (${candidates.map((c) => c.name).join(", ")}); name one with dns.loadBalancer`,
    },
  };
}

/** Steps no other step depends on: the rebuild is done when they are. */
function sinks(steps: readonly PlanStep[]): string[] {
  const needed = new Set(steps.flatMap((s) => s.dependsOn));
  return steps.filter((s) => !needed.has(s.id)).map((s) => s.id);
}

function movedByConfig(step: PlanStep, moved: ReadonlySet<string>): boolean {
  const name = (step.input as { properties?: { recordName?: unknown } } | null)?.properties
    ?.recordName;
  return typeof name === "string" && moved.has(normalName(name));
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
