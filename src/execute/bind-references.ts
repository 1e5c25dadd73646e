import { BugError } from "../model/errors.js";
import { isRef } from "../model/inventory/logical-id.js";
import type { JsonObject } from "../store/codec.js";

/**
 * Replaces every `{ref: <logical id>}` in `input` with the target id (`outputs.id`) of the step
 * that `bindings` names for it. The plan was validated, so the binding step succeeded before
 * this one starts; a missing output is a handler that broke its contract (a bug).
 */
export function bindReferences(
  input: unknown,
  bindings: Readonly<Record<string, string>>,
  outputs: ReadonlyMap<string, JsonObject>,
): unknown {
  if (isRef(input)) {
    const stepId = bindings[input.ref];
    const id = stepId === undefined ? undefined : outputs.get(stepId)?.id;
    if (id === undefined) {
      throw new BugError(`no target id for ${input.ref}: step ${stepId} output no \`id\``);
    }
    return id;
  }
  if (Array.isArray(input)) return input.map((item) => bindReferences(item, bindings, outputs));
  if (typeof input === "object" && input !== null) {
    return Object.fromEntries(
      Object.entries(input).map(([key, value]) => [key, bindReferences(value, bindings, outputs)]),
    );
  }
  return input;
}
