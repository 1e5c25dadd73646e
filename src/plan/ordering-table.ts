import type { ResourceKind } from "../model/inventory/index.js";
import type { StepKind } from "../model/plan/index.js";

/** Steps a rule applies to: all listed step kinds (any if absent) of all listed resource kinds. */
export interface StepMatcher {
  readonly steps?: readonly StepKind[];
  readonly resources?: readonly ResourceKind[];
  readonly exceptSteps?: readonly StepKind[];
}

/**
 * Which pairs a rule links:
 * - `plan`: every earlier step in the plan;
 * - `network`: earlier steps in the same network (a step outside any network matches all);
 * - `referenced`: earlier steps of the resources the later step's input refers to;
 * - `uses`: earlier steps of the resources the later step's resource reaches through its
 *   references, transitively (a scaling group reaches its template's security groups).
 */
export type RuleScope = "plan" | "network" | "referenced" | "uses";

export interface OrderingRule {
  readonly id: string;
  readonly later: StepMatcher;
  readonly earlier: readonly StepMatcher[];
  readonly scope: RuleScope;
  /**
   * The rule gives way to a reference the other way round: no edge when the earlier step's
   * resource reaches the later one (a route through a NAT instance is set once it runs).
   */
  readonly yieldsToReferences?: boolean;
  /** One line: why the order matters (docs/recovery-plan.md prints this table). */
  readonly reason: string;
}

/**
 * Ordering beyond references. References already order most of a rebuild (a subnet waits for
 * its network, a NAT gateway for its subnet and address, a scaling group for its launch
 * template and target groups, a listener for its load balancer); these rules add what a
 * reference does not say. Like Velero's `defaultRestorePriorities`, it is data with a reason
 * per line; unlike it, it orders steps within a dependency graph rather than whole types.
 */
export const orderingTable: readonly OrderingRule[] = [
  {
    id: "group-rules-after-all-groups",
    later: { steps: ["configure"], resources: ["security-group"] },
    earlier: [{ steps: ["create", "adopt"], resources: ["security-group"] }],
    scope: "plan",
    reason: "Groups refer to each other; a rule naming a group can only be added once it exists.",
  },
  {
    id: "routes-after-gateways",
    later: { steps: ["configure"], resources: ["route-table"] },
    earlier: [
      { steps: ["create"], resources: ["internet-gateway"] },
      { steps: ["wait"], resources: ["nat-gateway"] },
    ],
    scope: "referenced",
    reason: "A route to a missing gateway is rejected, and a NAT route must name an available NAT.",
  },
  {
    id: "workloads-after-routes",
    later: { steps: ["create"], resources: ["machine", "scaling-group", "database"] },
    earlier: [{ steps: ["configure"], resources: ["route-table"] }],
    scope: "network",
    yieldsToReferences: true,
    reason: "Machines fetch packages and register at first boot; without routes that boot fails.",
  },
  {
    id: "workloads-after-firewall-rules",
    later: {
      steps: ["create"],
      resources: ["machine", "scaling-group", "load-balancer", "database"],
    },
    earlier: [{ steps: ["configure"], resources: ["security-group"] }],
    scope: "uses",
    reason: "A resource started in an empty group has no traffic in or out until its rules land.",
  },
  {
    id: "scaling-group-after-listeners",
    later: { steps: ["create"], resources: ["scaling-group"] },
    earlier: [{ steps: ["create"], resources: ["listener"] }],
    scope: "network",
    reason:
      "Instances launched before a listener forwards to their target group fail health checks.",
  },
  {
    id: "references-wait-for-readiness",
    later: { exceptSteps: ["wait"] },
    earlier: [{ steps: ["wait"] }],
    scope: "referenced",
    reason:
      "Using a resource needs it ready: a copying image cannot launch, a pending machine cannot be registered or attached.",
  },
  {
    id: "dns-last",
    later: { steps: ["dns"] },
    earlier: [{ exceptSteps: ["dns"] }],
    scope: "plan",
    reason: "Traffic moves only once every resource is made and every readiness gate has passed.",
  },
];

export function matches(
  matcher: StepMatcher,
  step: { kind: StepKind; resourceKind: ResourceKind },
): boolean {
  return (
    (matcher.steps === undefined || matcher.steps.includes(step.kind)) &&
    (matcher.resources === undefined || matcher.resources.includes(step.resourceKind)) &&
    (matcher.exceptSteps === undefined || !matcher.exceptSteps.includes(step.kind))
  );
}
