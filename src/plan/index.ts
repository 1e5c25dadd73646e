/** The planner's public surface (docs/recovery-plan.md); everything else here is internal. */
export { orderingTable, type OrderingRule } from "./ordering-table.js";
export { analyseGraph, type GraphAnalysis } from "./plan-graph.js";
export { planProblemCodes, type PlanProblem, type PlanProblemCode } from "./plan-problem.js";
export {
  idempotencyKey,
  planRecovery,
  planRecoveryOrThrow,
  type PlanOutcome,
  type PlanRequest,
} from "./plan-recovery.js";
export { planReport, renderPlanText, type PlanReport } from "./plan-report.js";
export { preflight, targetFactsRequest, type PreflightReport } from "./preflight.js";
export type * from "./target-facts.js";
export * from "./failover-plan.js";
export {
  selectTarget,
  type TargetAnswer,
  type TargetNeeds,
  type TargetSelection,
  type TargetVerdict,
} from "./select-target.js";
export type { VolumeData } from "./resource-steps.js";
