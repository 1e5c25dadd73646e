import { withWorkflows } from "../../composition.js";
import type { WorkflowEvent } from "../../workflows/step-book.js";
import type { WorkflowPlan } from "../../workflows/workflow-plan.js";
import type { WorkflowReport } from "../../workflows/workflow-report.js";
import { commandGroup } from "../command-group.js";
import { printResult, type CliIo } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface WorkflowCliOptions {
  readonly config?: string;
  readonly file?: string;
  readonly env?: string;
  readonly json?: boolean;
}

/** `--json` of `workflow run` and of `resume` on a workflow run (docs/cli-json.md). */
export interface WorkflowRunJson {
  readonly ok: boolean;
  readonly report: WorkflowReport;
}

/** `--json` of `workflow validate`. */
export interface WorkflowValidateJson {
  readonly ok: true;
  readonly workflows: readonly {
    readonly name: string;
    readonly steps: readonly {
      readonly id: string;
      readonly action: string;
      readonly plugin: string;
    }[];
  }[];
  readonly plugins: readonly {
    readonly name: string;
    readonly action: string;
    readonly apiVersion: number;
  }[];
}

/**
 * Progress per step on stderr: a line per step event, or NDJSON `{"type":"workflow-progress"}`
 * objects with --json (stdout keeps the one result document).
 */
export function workflowProgress(io: CliIo, json: boolean | undefined) {
  return (event: WorkflowEvent): void => {
    if (json) {
      const { type: event_, ...rest } = event;
      io.stderr(`${JSON.stringify({ type: "workflow-progress", event: event_, ...rest })}\n`);
      return;
    }
    const role =
      typeof event.data.role === "string" && event.data.role !== "step"
        ? ` (${event.data.role})`
        : "";
    const code = (event.data.error as { code?: string } | undefined)?.code;
    const detail =
      event.type === "step.progress" ? ` ${String(event.data.line)}` : code ? ` ${code}` : "";
    io.stderr(`${event.stepId ?? "workflow"}: ${event.type}${role}${detail}\n`);
  };
}

export function renderWorkflowReport(report: WorkflowReport): string {
  const lines = [`workflow ${report.workflow} run ${report.runId}: ${report.phase}`];
  for (const step of report.steps) {
    const took = step.durationMs === null ? "" : ` ${step.durationMs} ms`;
    const error = step.error ? ` ${step.error.code}: ${step.error.message}` : "";
    lines.push(`  ${step.phase.padEnd(9)} ${step.id} (${step.action})${took}${error}`);
  }
  if (report.undoneOutOfOrder.length > 0) {
    lines.push(
      `  undone: ${report.undoneOutOfOrder.map((u) => `${u.step} (${u.role})`).join(", ")}`,
    );
  }
  if (report.error) lines.push(`error ${report.error.code}: ${report.error.message}`);
  return lines.join("\n");
}

export function finishWorkflow(io: CliIo, json: boolean | undefined, report: WorkflowReport): void {
  const result: WorkflowRunJson = { ok: report.phase === "succeeded", report };
  printResult(io, json, result, (r) => renderWorkflowReport(r.report));
  if (!result.ok) process.exitCode = 1;
}

/** `lifeboat workflow run|validate`. */
export const registerWorkflow: RegisterCommand = (program, io) => {
  const group = commandGroup(program, "workflow", "Run and validate workflows of plug-in actions.");
  group
    .command("run")
    .description("Run a workflow durably: ordered steps, guaranteed undo of pairs, a journal.")
    .argument("<name>", "workflow name (config `workflows` or --file)")
    .option("--env <env>", "environment the run is recorded under")
    .option("--file <path>", "a workflow file with a `workflows:` map")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (name: string, options: WorkflowCliOptions) => {
      await runAction(io, options.json, () =>
        withWorkflows({ config: options.config, file: options.file }, async (services) => {
          const plan = services.plan(name);
          const environment = await services.environmentFor(name, options.env);
          const runner = services.runner(workflowProgress(io, options.json));
          await runner.closeOrphans(plan.workflow);
          const run = await runner.createRun(plan, environment);
          io.stderr(`run ${run.id} (workflow ${name})\n`);
          const interrupt = new AbortController();
          const stop = () => interrupt.abort();
          process.once("SIGINT", stop);
          try {
            finishWorkflow(io, options.json, await runner.execute(run.id, interrupt.signal));
          } finally {
            process.off("SIGINT", stop);
          }
        }),
      );
    });
  group
    .command("validate")
    .description("Check every workflow against the plug-in registry; runs nothing.")
    .argument("[name]", "only this workflow")
    .option("--file <path>", "a workflow file with a `workflows:` map")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (name: string | undefined, options: WorkflowCliOptions) => {
      await runAction(io, options.json, () =>
        withWorkflows({ config: options.config, file: options.file }, async (services) => {
          const names = name === undefined ? Object.keys(services.workflows) : [name];
          const plans: WorkflowPlan[] = names.map((n) => services.plan(n));
          const json: WorkflowValidateJson = {
            ok: true,
            workflows: plans.map((p) => ({
              name: p.workflow,
              steps: p.steps.map((s) => ({ id: s.id, action: s.action, plugin: s.plugin })),
            })),
            plugins: services.registry
              .list()
              .map((p) => ({ name: p.name, action: p.action, apiVersion: p.apiVersion })),
          };
          printResult(io, options.json, json, (r) =>
            r.workflows.length === 0
              ? "no workflows defined"
              : r.workflows
                  .map((w) => `workflow ${w.name}: ${w.steps.length} steps, valid`)
                  .join("\n"),
          );
        }),
      );
    });
};
