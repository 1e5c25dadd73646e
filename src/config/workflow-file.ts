import { readFile } from "node:fs/promises";
import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import { workflowSchema, type WorkflowConfig } from "../model/workflow.js";
import { configInvalidError } from "./config-problem.js";
import { configErrorMap, problemsFromIssues } from "./format-issues.js";
import { parseYamlSource } from "./yaml-source.js";

/** A workflow file: the same `workflows:` map as in `lifeboat.yaml`, and nothing else. */
const workflowFileSchema = z.strictObject({
  workflows: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/), workflowSchema),
});

/**
 * Reads and validates a separate workflow file (docs/workflow-semantics.md, "Where workflows
 * live"). Problems → `LB_CONFIG_INVALID` with key paths and lines; a missing file →
 * `LB_WORKFLOW_NOT_FOUND`.
 */
export async function loadWorkflowFile(path: string): Promise<Record<string, WorkflowConfig>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new LifeboatError("LB_WORKFLOW_NOT_FOUND", `cannot read workflow file ${path}`, {
      cause: error,
      details: { file: path },
    });
  }
  const source = parseYamlSource(text);
  if (source.problems.length > 0) throw configInvalidError(path, source.problems);
  const parsed = workflowFileSchema.safeParse(source.data, { error: configErrorMap });
  if (!parsed.success) {
    throw configInvalidError(
      path,
      problemsFromIssues(workflowFileSchema, parsed.error.issues, source.locate),
    );
  }
  return parsed.data.workflows;
}
