/** The recovery engine's public surface (docs/recovery.md). */
export * from "./plan-environment.js";
export * from "./recover-environment.js";
export * from "./recovery-deps.js";
export * from "./recovery-report.js";
export * from "./release-dead-lease.js";
export * from "./verify-recovery.js";
export { ignoredProperties } from "./verify-rules.js";
export * from "./failover-settings.js";
export * from "./mark-environment-step.js";
export * from "./verify-endpoint-step.js";
export * from "./choose-target.js";
