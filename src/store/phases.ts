import { z } from "zod";
import { recordedRunPhases, recordedStepPhases } from "../model/plan/recorded-phases.js";

/*
 * The vocabularies the store records and checks when it reads a row back. Run and step phases
 * come from the phase machine's recorded phases (src/model/plan/recorded-phases.ts).
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
export const runPhaseSchema = z.enum(recordedRunPhases);
export const stepPhaseSchema = z.enum(recordedStepPhases);
export const environmentStatusSchema = z.enum(environmentStatuses);
export const eventSeveritySchema = z.enum(eventSeverities);
