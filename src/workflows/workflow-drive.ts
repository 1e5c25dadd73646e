import { LifeboatError, asLifeboatError } from "../model/errors.js";
import type { AnyPlugin, PairedStep } from "../plugins/plugin-api.js";
import type { JsonObject } from "../store/codec.js";
import type { RecordedRunPhase } from "../model/plan/recorded-phases.js";
import { callStep, pluginContext, type CallEnvironment } from "./step-call.js";
import type { StepBook } from "./step-book.js";
import type { PlannedStep, WorkflowPlan } from "./workflow-plan.js";

/** Undo work owed while the workflow moves forward: a declared pair, or a plug-in's `undo`. */
type UndoEntry =
  | { readonly kind: "pair"; readonly first: string; readonly undo: string }
  | { readonly kind: "compensate"; readonly step: string };

export interface DriveInput {
  readonly plan: WorkflowPlan;
  readonly book: StepBook;
  readonly plugins: ReadonlyMap<string, AnyPlugin>;
  readonly call: CallEnvironment;
  /** Aborts forward work: cancel, SIGINT, lost lease. */
  readonly signal: AbortSignal;
  /** Aborts undo work too: only a lost lease (undo must run through a cancel). */
  readonly undoSignal: AbortSignal;
  /** The run's phase when this executor took it: not `pending` means a resume. */
  readonly priorPhase: RecordedRunPhase;
  /** Close the run instead of resuming it (the next run found it orphaned). */
  readonly closeOnly: boolean;
}

export interface DriveResult {
  readonly phase: "succeeded" | "failed" | "cancelled";
  readonly error: LifeboatError | null;
}

/**
 * Runs a workflow's steps one at a time in plan order (docs/workflow-semantics.md). The undo
 * half of every pair whose first half started always runs: in its place on success, and in
 * reverse order of the first halves when the workflow fails, times out or is cancelled. On a
 * resume, pairs the journal shows open are undone first, then the round restarts at the
 * earliest of those first halves.
 */
export async function driveWorkflow(input: DriveInput): Promise<DriveResult> {
  const { plan, book } = input;
  if (input.priorPhase !== "pending") {
    const open = openPairs(plan, book);
    for (const [first, undo] of open) {
      await runOne(input, stepNamed(plan, undo), "resume-undo", input.undoSignal, first);
    }
    if (input.closeOnly || input.priorPhase === "cancelling") {
      await skipRemaining(book, plan, input.closeOnly ? "interrupted" : "cancelled");
      return input.closeOnly
        ? { phase: "failed", error: interrupted(plan) }
        : { phase: "cancelled", error: null };
    }
    const earliest = Math.min(...open.map(([first]) => indexOf(plan, first)));
    for (const [i, step] of plan.steps.entries()) {
      const phase = book.get(step.id).phase;
      if (phase !== "pending" && (phase !== "succeeded" || i >= earliest)) {
        await book.reset(step.id, i >= earliest ? "pair undone on resume" : "resume");
      }
    }
  }
  return await forward(input);
}

async function forward(input: DriveInput): Promise<DriveResult> {
  const { plan, book } = input;
  const owed: UndoEntry[] = [];
  let failure: LifeboatError | null = null;
  let cancelled = false;
  for (const step of plan.steps) {
    if (book.get(step.id).phase === "succeeded") continue;
    if (input.signal.aborted || book.runPhase === "cancelling") {
      cancelled = true;
      break;
    }
    if (step.undoOf !== null && !book.started(step.undoOf)) {
      await book.skip(step.id, `the step it undoes (${step.undoOf}) did not run`);
      continue;
    }
    if (step.undo !== null) owed.push({ kind: "pair", first: step.id, undo: step.undo });
    else if (step.undoOf === null && pluginOf(input, step).undo) {
      owed.push({ kind: "compensate", step: step.id });
    }
    const error = await runOne(input, step, "step", input.signal, step.undoOf);
    if (step.undoOf !== null) {
      const at = owed.findIndex((e) => e.kind === "pair" && e.first === step.undoOf);
      if (at >= 0) owed.splice(at, 1);
    }
    if (!error) continue;
    if (error.code === "LB_CANCELLED" && input.signal.aborted) {
      cancelled = true;
      break;
    }
    if (step.onError === "continue") continue;
    failure = error;
    break;
  }
  if (!failure && !cancelled) return { phase: "succeeded", error: null };
  for (const entry of owed.reverse()) {
    if (entry.kind === "pair") {
      await runOne(input, stepNamed(plan, entry.undo), "undo", input.undoSignal, entry.first);
    } else {
      await compensate(input, stepNamed(plan, entry.step));
    }
  }
  await skipRemaining(book, plan, cancelled ? "cancelled" : "an earlier step failed");
  return cancelled ? { phase: "cancelled", error: null } : { phase: "failed", error: failure };
}

/** Runs one step; returns its error (already journaled), or null on success. */
async function runOne(
  input: DriveInput,
  step: PlannedStep,
  role: "step" | "undo" | "resume-undo",
  signal: AbortSignal,
  pairOf: string | null,
): Promise<LifeboatError | null> {
  const plugin = pluginOf(input, step);
  await input.book.begin(step.id, {
    plugin: plugin.name,
    action: step.action,
    role,
    undoOf: pairOf,
  });
  const pair: PairedStep | null =
    pairOf === null
      ? null
      : {
          stepId: pairOf,
          idempotencyKey: `${input.call.runId}/${pairOf}`,
          outputs: input.book.get(pairOf).outputs,
        };
  try {
    const outputs = await callStep(step, plugin, input.call, signal, pair);
    await input.book.succeed(step.id, outputs as JsonObject, { role, closes: pairOf });
    return null;
  } catch (thrown) {
    const error = asLifeboatError(thrown);
    await input.book.fail(step.id, error, { role });
    return error;
  }
}

/** A plug-in's own `undo` for a step without a declared undo step. Failures are journaled. */
async function compensate(input: DriveInput, step: PlannedStep): Promise<void> {
  const plugin = pluginOf(input, step);
  const outputs = input.book.get(step.id).outputs;
  await input.book.note(step.id, "compensate.started", { plugin: plugin.name });
  try {
    const ctx = pluginContext(step, plugin, input.call, input.undoSignal, null);
    await plugin.undo?.(ctx, outputs);
    await input.book.note(step.id, "compensate.succeeded");
  } catch (thrown) {
    const error = asLifeboatError(thrown);
    await input.book.note(step.id, "compensate.failed", {
      code: error.code,
      message: error.message,
    });
  }
}

/** Pairs whose first half started and whose undo half has not succeeded, latest first. */
export function openPairs(plan: WorkflowPlan, book: StepBook): [first: string, undo: string][] {
  return plan.steps
    .filter((s) => s.undo !== null && book.started(s.id))
    .filter((s) => book.get(s.undo ?? "").phase !== "succeeded")
    .map((s): [string, string] => [s.id, s.undo ?? ""])
    .reverse();
}

async function skipRemaining(book: StepBook, plan: WorkflowPlan, reason: string): Promise<void> {
  for (const step of plan.steps) {
    const phase = book.get(step.id).phase;
    if (phase === "pending" || phase === "running") await book.skip(step.id, reason);
  }
}

function pluginOf(input: DriveInput, step: PlannedStep): AnyPlugin {
  const plugin = input.plugins.get(step.plugin);
  if (!plugin)
    throw new LifeboatError("LB_WORKFLOW_INVALID", `plug-in ${step.plugin} is not registered`);
  return plugin;
}

function stepNamed(plan: WorkflowPlan, id: string): PlannedStep {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) throw new LifeboatError("LB_STORE_CORRUPT", `the workflow plan has no step ${id}`);
  return step;
}

function indexOf(plan: WorkflowPlan, id: string): number {
  return plan.steps.findIndex((s) => s.id === id);
}

function interrupted(plan: WorkflowPlan): LifeboatError {
  return new LifeboatError(
    "LB_WORKFLOW_INTERRUPTED",
    `an earlier run of workflow ${plan.workflow} was interrupted; its open pairs were undone`,
    { details: { workflow: plan.workflow } },
  );
}
