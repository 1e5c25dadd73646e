import type { LifeboatConfig } from "../model/config.js";
import type { ReportProblem } from "./cross-references.js";
import { closestMatch } from "./did-you-mean.js";

/**
 * Checks `recovery.workflows` (docs/config.md): every name is a workflow of the config's
 * top-level `workflows` (a workflow file given to `workflow run --file` is not consulted: a
 * recovery runs from the config alone), and none is listed twice at one point.
 */
export function checkAttachedWorkflows(config: LifeboatConfig, report: ReportProblem): void {
  const known = Object.keys(config.workflows);
  for (const [env, environment] of Object.entries(config.environments)) {
    for (const [point, names] of Object.entries(environment.recovery.workflows)) {
      const seen = new Set<string>();
      (names ?? []).forEach((name, i) => {
        const at = ["environments", env, "recovery", "workflows", point, i];
        if (seen.has(name)) report(at, `workflow "${name}" is listed twice at ${point}`);
        seen.add(name);
        if (!Object.hasOwn(config.workflows, name)) report(at, unknownWorkflow(name, known));
      });
    }
  }
}

function unknownWorkflow(name: string, known: readonly string[]): string {
  if (known.length === 0) {
    return `unknown workflow "${name}" (no workflows are defined; add it under workflows)`;
  }
  const hint = closestMatch(name, known);
  return `unknown workflow "${name}" (known: ${known.join(", ")})${hint ? `; did you mean "${hint}"?` : ""}`;
}
