export * from "./event-stream.js";
export * from "./execution-plan.js";
export * from "./executor.js";
export * from "./retry-policy.js";
export * from "./run-report.js";
export * from "./step-handler.js";
