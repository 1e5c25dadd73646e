export * from "./canonical-json.js";
export * from "./diff.js";
export * from "./inventory.js";
export * from "./logical-id.js";
export * from "./references.js";
export * from "./resource.js";
