/**
 * Workflows as written in `lifeboat.yaml` or a workflow file (docs/workflow-semantics.md is the
 * contract): ordered steps, each naming an action that a plug-in performs on target objects.
 * Structure is checked here (ids, ordering, pairs); whether a plug-in applies and accepts the
 * `with` parameters is checked later, against the plug-in registry (src/workflows).
 */
import { z } from "zod";
import { durationSchemaWith } from "./duration.js";
import { workflowStructureProblems } from "./workflow-structure.js";
import { workflowTargetSelectorSchema } from "./workflow-target.js";

const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);
const duration = durationSchemaWith(quote);

/** Step ids: used in journals, CLI flags (`approve --step`) and idempotency keys. */
export const stepIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
  error: (issue) =>
    `${quote(issue.input)} is not a valid step id (letters, digits, ".", "-" and "_")`,
});

export const workflowStepSchema = z.strictObject({
  id: stepIdSchema,
  /** An action (`pg-quiesce`) or a plug-in name (`acme.action.flush`). */
  action: z.string().min(1, "must not be empty"),
  /** Position among steps; lower runs first. Steps without `seq` keep their written order. */
  seq: z.number().int().optional(),
  /** Steps that must have finished first. */
  after: z.array(stepIdSchema).optional(),
  /** Parameters, validated by the plug-in's `configSchema`. */
  with: z.record(z.string(), z.unknown()).default({}),
  /** What the action works on; absent means the Lifeboat host itself (`local: true`). */
  target: z
    .union([workflowTargetSelectorSchema, z.array(workflowTargetSelectorSchema).min(1)])
    .optional(),
  timeout: duration.optional(),
  onError: z.enum(["fail", "continue"]).default("fail"),
  /** The id of a later step that undoes this one (quiesce → unquiesce): it always runs. */
  undo: stepIdSchema.optional(),
});

export const workflowSchema = z
  .strictObject({
    description: z.string().optional(),
    /** The environment the workflow's runs are recorded under, unless `--env` names one. */
    environment: z.string().min(1).optional(),
    steps: z.array(workflowStepSchema).min(1, "must list at least one step"),
  })
  .superRefine((workflow, ctx) => {
    for (const problem of workflowStructureProblems(workflow.steps)) {
      ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
    }
  });

/** An external plug-in: an npm module name or a file path (relative to the config file). */
export const pluginReferenceSchema = z.union([
  z.strictObject({ module: z.string().min(1) }),
  z.strictObject({ path: z.string().min(1) }),
]);

export type WorkflowStepConfig = z.infer<typeof workflowStepSchema>;
export type WorkflowConfig = z.infer<typeof workflowSchema>;
export type PluginReference = z.infer<typeof pluginReferenceSchema>;
