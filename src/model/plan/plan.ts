import { z } from "zod";
import { logicalIdSchema, resourceKindSchema } from "../inventory/index.js";
import { mappingSchema } from "../mapping.js";
import { stepSchema } from "./step.js";

export const planFormat = "lifeboat.plan/v1";

/**
 * - `failover`: the primary is down; rebuild and move DNS.
 * - `drill`: rebuild in isolation to prove it works; never touches DNS or the primary.
 * - `migrate`: a planned move; rebuild and move DNS, the primary still runs.
 */
export const recoveryModes = ["failover", "drill", "migrate"] as const;
export type RecoveryMode = (typeof recoveryModes)[number];

/** Per-resource deploy flags, keyed by logical id or provider id. */
export const deployFlagsSchema = z.strictObject({
  /** Leave the resource out. Planning fails if a selected resource still needs it. */
  skip: z.boolean().optional(),
  /** Scaling groups only: desired capacity in the target (pilot light: 0). */
  capacity: z.number().int().min(0).optional(),
});

/**
 * What to bring up (`--only`). Empty `kinds`, `ids` and `tags` select everything; otherwise a
 * resource is selected when it matches any of them, and the plan holds the selection's closure:
 * everything selected resources refer to, plus the parts they need to work (a subnet's route
 * table, a network's gateway and default resources, a load balancer's listeners).
 */
export const planSelectionSchema = z.strictObject({
  kinds: z.array(resourceKindSchema).default([]),
  ids: z.array(z.string()).default([]),
  tags: z.record(z.string(), z.string()).default({}),
  deploy: z.record(z.string(), deployFlagsSchema).default({}),
});
export type PlanSelection = z.infer<typeof planSelectionSchema>;

/**
 * A recovery plan: a DAG of steps that rebuilds (part of) a captured environment in a target.
 * Canonical: steps sorted by wave (depth in the DAG), then id; every list sorted. The same
 * inventory, mapping, selection, mode and target facts give a byte-identical plan, `id` included.
 */
export const planSchema = z.strictObject({
  format: z.literal(planFormat),
  /** `plan-<16 hex>`: a digest of everything below except `steps`, which derive from it. */
  id: z.string(),
  environment: z.string(),
  source: z.strictObject({
    provider: z.string(),
    account: z.string(),
    region: z.string(),
    inventoryDigest: z.string(),
    /** The inventory version the plan was made from, when it came from the store. */
    version: z.string().optional(),
  }),
  target: z.strictObject({ connection: z.string(), region: z.string() }),
  mode: z.enum(recoveryModes),
  /**
   * Drills only: every created security group's egress is limited to its own (target) network,
   * so a drill cannot reach the primary or the internet. Absent means not isolated.
   */
  isolateEgress: z.literal(true).optional(),
  /** The mapping as applied: zones mapped by default are written out. */
  mapping: mappingSchema,
  selection: planSelectionSchema,
  /** Logical id → the step whose output is that resource's target id. */
  bindings: z.record(logicalIdSchema, z.string()),
  steps: z.array(stepSchema),
});
export type Plan = z.infer<typeof planSchema>;
