export * from "./phases.js";
export * from "./recorded-phases.js";
export * from "./plan.js";
export * from "./step.js";
export * from "./target-facts.js";
export * from "./failover-steps.js";
export * from "./workflow-points.js";
