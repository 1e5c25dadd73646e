import type { LogicalId } from "../model/inventory/index.js";

/** Codes of the problems planning and pre-flight report; tests and programs match on these. */
export const planProblemCodes = [
  "selection-invalid",
  "selection-empty",
  "selection-unknown-id",
  "dependency-skipped",
  "zone-unmapped",
  "zone-unknown",
  "instance-type-unavailable",
  "cidr-overlap",
  "cidr-unused",
  "image-missing",
  "key-pair-missing",
  "names-collide",
  "isolation-outside-drill",
  "failover-target-unclear",
] as const;
export type PlanProblemCode = (typeof planProblemCodes)[number];

/** One reason a plan cannot be made or executed; the report lists all of them at once. */
export interface PlanProblem {
  readonly code: PlanProblemCode;
  /** The source resource concerned, when there is one. */
  readonly resource?: LogicalId;
  readonly message: string;
}
