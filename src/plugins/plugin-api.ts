/**
 * The plug-in contract (docs/plugins.md). A plug-in performs one workflow action on the target
 * objects it applies to. Built-ins implement exactly this contract, under `lifeboat.` names.
 */
import type { Clock } from "../model/clock.js";
import type { Logger } from "../model/logger.js";
import type { WorkflowTarget } from "../model/workflow-target.js";

/** The plug-in API version this Lifeboat speaks; a plug-in declaring another is refused. */
export const PLUGIN_API_VERSION = 1;

/** JSON a step records as its outputs; must survive a JSON round-trip. */
export type PluginOutputs = Readonly<Record<string, unknown>>;

/**
 * Validates a step's `with` parameters. Any zod schema fits; so does any object with this
 * method (a plug-in need not share Lifeboat's copy of zod).
 */
export interface ParamsSchema<P> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: P }
    | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };
}

/** The first half of the pair an undo step closes, as the journal recorded it. */
export interface PairedStep {
  readonly stepId: string;
  readonly idempotencyKey: string;
  /** Its outputs, or null when it never finished (crash, failure, timeout). */
  readonly outputs: PluginOutputs | null;
}

/** Everything a plug-in call may use. Plug-ins never read the state store directly. */
export interface PluginContext<P = unknown, T extends WorkflowTarget = WorkflowTarget> {
  readonly runId: string;
  readonly stepId: string;
  readonly environment: string;
  /**
   * `<run id>/<step id>`: the same on every attempt and after a resume. A plug-in whose effect
   * must not happen twice tags it with this key and adopts an earlier attempt's effect.
   */
  readonly idempotencyKey: string;
  /** The step's `with`, as the plug-in's `configSchema` parsed it. */
  readonly params: P;
  /** The objects the step acts on; `appliesTo` accepted every one of them. */
  readonly targets: readonly T[];
  /** Set when this step is the undo half of a pair: the step it undoes. */
  readonly pair: PairedStep | null;
  /** Aborted on cancel, on the step's timeout, or when the run's lease is lost: stop, throw. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Reads an environment variable of the Lifeboat process (e.g. a target's `urlEnv`). */
  env(name: string): string | undefined;
  /** Appends a note to the run's journal (`plugin.<type>`); durable once it resolves. */
  journal(type: string, data?: PluginOutputs): Promise<void>;
}

/**
 * A workflow plug-in.
 *
 * Semantics the runner guarantees and expects:
 * - `execute` runs when the step's turn comes; what it returns is stored as the step's outputs.
 *   It may run again for the same step (resume after a crash): make it idempotent under
 *   `ctx.idempotencyKey`. Throw a `LifeboatError` to fail; anything else counts as `LB_INTERNAL`.
 * - `undo` (optional) compensates for `execute` when the workflow stops early (failure, timeout,
 *   cancel, crash) after this step started and the step has no declared undo step. It runs in
 *   reverse order with the other undo work, with the step's outputs or null, and must be
 *   idempotent (it may run again after a crash).
 * - `progress` (optional) is polled while `execute` is in flight; its line is shown as the
 *   step's progress.
 * - `cancel` (optional) is called once when the step is cancelled or times out, besides the
 *   signal aborting: for work that needs an out-of-band stop (a remote command).
 */
export interface Plugin<P = unknown, T extends WorkflowTarget = WorkflowTarget> {
  /** Unique in the registry; built-ins are `lifeboat.action.<action>`. */
  readonly name: string;
  readonly apiVersion: number;
  /** The action name workflows use (`pg-quiesce`). */
  readonly action: string;
  readonly description?: string;
  readonly configSchema: ParamsSchema<P>;
  /** Whether this plug-in can act on `target`; a type guard narrows what `execute` receives. */
  appliesTo(target: WorkflowTarget): target is T;
  execute(ctx: PluginContext<P, T>): Promise<PluginOutputs | void>;
  undo?(ctx: PluginContext<P, T>, outputs: PluginOutputs | null): Promise<void>;
  progress?(ctx: PluginContext<P, T>): string | undefined;
  cancel?(ctx: PluginContext<P, T>): Promise<void>;
}

/** A plug-in of any parameter and target type, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPlugin = Plugin<any, any>;

/** Declares a plug-in; typing help only: it returns `spec` unchanged (frozen). */
export function definePlugin<P, T extends WorkflowTarget = WorkflowTarget>(
  spec: Plugin<P, T>,
): Plugin<P, T> {
  return Object.freeze(spec);
}
