import { stepKinds, type Plan, type StepKind } from "../model/plan/index.js";
import { analyseGraph } from "./plan-graph.js";

/**
 * The dry-run JSON shape (`lifeboat plan --json`, docs/recovery-plan.md): the plan itself plus
 * its shape, so a reader sees how long and how wide a run will be without walking the graph.
 */
export interface PlanReport {
  readonly plan: Plan;
  readonly summary: {
    readonly steps: number;
    readonly resources: number;
    readonly byStepKind: Readonly<Partial<Record<StepKind, number>>>;
    readonly waves: readonly (readonly string[])[];
    readonly criticalPath: readonly string[];
    readonly maxWidth: number;
  };
}

export function planReport(plan: Plan): PlanReport {
  const analysis = analyseGraph(plan.steps);
  const byStepKind: Partial<Record<StepKind, number>> = {};
  for (const kind of stepKinds) {
    const n = plan.steps.filter((s) => s.kind === kind).length;
    if (n > 0) byStepKind[kind] = n;
  }
  return {
    plan,
    summary: {
      steps: plan.steps.length,
      resources: new Set(plan.steps.flatMap((s) => (s.resource ? [s.resource] : []))).size,
      byStepKind,
      waves: analysis.waves,
      criticalPath: analysis.criticalPath,
      maxWidth: analysis.maxWidth,
    },
  };
}

/**
 * The plain-text dry run: a header, then the steps wave by wave (a wave can start once the
 * previous ones are done), each with what it creates or adopts and what it waits for.
 */
export function renderPlanText(plan: Plan): string {
  const { summary } = planReport(plan);
  const kinds = Object.entries(summary.byStepKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const lines = [
    `Plan ${plan.id} — ${plan.mode} of ${plan.environment}`,
    `  from ${plan.source.provider} ${plan.source.account} ${plan.source.region} (inventory ${plan.source.inventoryDigest.slice(0, 19)}…)`,
    `  to   ${plan.target.connection} ${plan.target.region}`,
    `  ${summary.steps} steps for ${summary.resources} resources (${kinds})`,
    `  ${summary.waves.length} waves; longest chain ${summary.criticalPath.length} steps; widest wave ${summary.maxWidth} steps`,
  ];
  if (plan.mode === "drill")
    lines.push("  drill: no DNS change, nothing outside the target is touched");
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  summary.waves.forEach((ids, i) => {
    lines.push("", `Wave ${i + 1} (${ids.length})`);
    for (const id of ids) {
      const step = byId.get(id);
      if (!step) continue;
      const gate = step.gate ? ` [timeout ${step.gate.timeoutSeconds}s]` : "";
      lines.push(
        `  ${step.kind.padEnd(9)} ${step.resource ?? step.id}`,
        `            ${step.summary}${gate}`,
      );
      if (step.dependsOn.length > 0) lines.push(`            after ${step.dependsOn.join(", ")}`);
    }
  });
  return `${lines.join("\n")}\n`;
}
