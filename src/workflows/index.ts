export * from "./step-book.js";
export * from "./workflow-plan.js";
export * from "./workflow-report.js";
export * from "./workflow-runner.js";
export * from "./attached-workflow-step.js";
