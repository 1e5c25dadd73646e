import { z } from "zod";

/*
 * The phase vocabularies of runs and steps, as the store records them. The phase machine (which
 * transitions are legal) will live in src/model; these names are the contract it keeps.
 */

export const runModes = [
  "failover",
  "drill",
  "migrate",
  "failback",
  "teardown",
  "workflow", // a workflow run (docs/workflow-semantics.md): steps are workflow steps
] as const;
/** Why a run exists: a real failover, an isolated drill, a planned migration, and so on. */
export type RunMode = (typeof runModes)[number];

export const runPhases = [
  "pending",
  "running",
  "paused",
  "succeeded",
  "failed",
  "cancelling",
  "cancelled",
] as const;
export type RunPhase = (typeof runPhases)[number];

export const stepPhases = [
  "pending",
  "running",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
] as const;
export type StepPhase = (typeof stepPhases)[number];

export const environmentStatuses = [
  "active", // the source is primary; captures and protection run
  "failing-over",
  "failed-over", // the recovered copy in the target is serving
  "failing-back",
  "retired", // removed from the config; history is kept
] as const;
export type EnvironmentStatus = (typeof environmentStatuses)[number];

export const eventSeverities = ["debug", "info", "warning", "error", "critical"] as const;
export type EventSeverity = (typeof eventSeverities)[number];

export const runModeSchema = z.enum(runModes);
export const runPhaseSchema = z.enum(runPhases);
export const stepPhaseSchema = z.enum(stepPhases);
export const environmentStatusSchema = z.enum(environmentStatuses);
export const eventSeveritySchema = z.enum(eventSeverities);

/** Run phases after which nothing more happens to the run. */
export const terminalRunPhases: readonly RunPhase[] = ["succeeded", "failed", "cancelled"];
