import { z } from "zod";
import { logicalIdSchema, resourceKindSchema, type LogicalId } from "../inventory/index.js";

/**
 * What a step does to the target:
 * - `create`: make a new resource from `input` (find-or-create by Lifeboat's tags on retry);
 * - `adopt`: take over a resource the target already has or that another step made implicitly
 *   (a new network's default security group and main route table, a machine's root volume and
 *   primary interface, a public DNS zone) — never duplicate it;
 * - `copy`: copy a resource into the target region (an image);
 * - `configure`: change a resource another step made or adopted (security group rules, routes
 *   and associations, attaching a volume or an interface, associating an address);
 * - `register`: register targets with a target group;
 * - `wait`: poll a readiness gate until it holds or its timeout passes;
 * - `dns`: change records in an existing public zone so traffic moves to the target;
 * - `hydrate`: write a volume's recovery point into a new block snapshot in the target, read it
 *   back and compare, and make the volume from it (docs/hydration.md).
 *
 * Failover runs add steps that concern the environment as a whole (docs/failover.md); they
 * have no `resource`, and their ids are `<kind>:<what>` (`dns-move:records`):
 * - `verify`: the recovered endpoint answers healthy before any traffic moves;
 * - `approval`: a human approves before DNS changes (docs/approvals.md);
 * - `dns-ttl`, `dns-move`: lower the records' TTL early; move the records;
 * - `fence`: stop the source's writers (scaling groups to 0, machines stopped);
 * - `mark`: record the environment's new status (`failed-over`).
 *
 * A `workflow` step runs a workflow of the config attached at a named point of the plan
 * (`workflow:<point>:<name>`, docs/recovery-plan.md "Workflow points") as a child run.
 */
/** The kinds of the steps that act on one resource of the target (the first list above). */
export const resourceStepKinds = [
  "create",
  "adopt",
  "copy",
  "configure",
  "register",
  "wait",
  "dns",
  "hydrate",
] as const;
export const stepKinds = [
  ...resourceStepKinds,
  "verify",
  "approval",
  "dns-ttl",
  "dns-move",
  "fence",
  "mark",
  "workflow",
] as const;
export type StepKind = (typeof stepKinds)[number];
export const stepKindSchema = z.enum(stepKinds);

/** Conditions a `wait` step polls; each names the provider state it waits for. */
export const gateConditions = [
  "image-available",
  "nat-gateway-available",
  "machine-running",
  "load-balancer-active",
  "scaling-group-in-service",
  "database-available",
] as const;
export type GateCondition = (typeof gateConditions)[number];

/** A readiness gate: the step succeeds when `condition` holds, fails after `timeoutSeconds`. */
export const readinessGateSchema = z.strictObject({
  condition: z.enum(gateConditions),
  timeoutSeconds: z.number().int().positive(),
});
export type ReadinessGate = z.infer<typeof readinessGateSchema>;

/**
 * One node of a recovery plan.
 *
 * - `id` is `<step kind>:<resource logical id>` (`create:subnet:subnet-abc`), so it is the same
 *   in every plan of the same inventory; a resource has at most one step of each kind.
 * - `dependsOn` lists step ids that must succeed first (references plus the ordering table).
 * - `idempotencyKey` is derived from the plan id and the step id: the executor passes it (or a
 *   digest of it) as the client token where the API takes one, and a retried or resumed step
 *   finds what an earlier attempt made instead of making it again.
 * - `input` is the desired target spec after mapping. References stay symbolic: `{ref}` is
 *   bound at execution to the target id that the step named by `Plan.bindings[ref]` output,
 *   and that step is always among `dependsOn` (directly or transitively).
 * - `gate` is set on `wait` steps only.
 */
export const stepSchema = z.strictObject({
  id: z.string(),
  kind: stepKindSchema,
  /** Absent on the failover steps, which concern the environment as a whole. */
  resource: logicalIdSchema.optional(),
  resourceKind: resourceKindSchema.optional(),
  /** One line for people: what the step does (`create subnet shop-public-a-dr in us-west-2a`). */
  summary: z.string(),
  dependsOn: z.array(z.string()),
  idempotencyKey: z.string(),
  input: z.json(),
  gate: readinessGateSchema.optional(),
});
export type Step = z.infer<typeof stepSchema>;

export function stepId(kind: StepKind, resource: string): string {
  return `${kind}:${resource}`;
}

/**
 * In a step input, something the plan does not rebuild (a certificate, a KMS key, a snapshot, an
 * instance profile, a public DNS record kept in place): never bound from another step's output;
 * the step's handler resolves it in the target or leaves the field out.
 */
export interface ExternalValue {
  readonly external: LogicalId;
}

export function isExternal(value: unknown): value is ExternalValue {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { external?: unknown }).external === "string"
  );
}
