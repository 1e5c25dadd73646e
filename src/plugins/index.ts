export * from "./load-plugins.js";
export * from "./plugin-api.js";
export * from "./plugin-registry.js";
