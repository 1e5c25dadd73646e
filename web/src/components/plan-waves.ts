import type { PlanStep } from "../api/types.js";

/**
 * Groups plan steps into waves: a step's wave is one more than its latest dependency's, so each
 * wave can run in parallel once the one before it is done.
 */
export function planWaves(steps: PlanStep[]): PlanStep[][] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const wave = new Map<string, number>();
  const waveOf = (step: PlanStep, seen: Set<string>): number => {
    const known = wave.get(step.id);
    if (known !== undefined) return known;
    if (seen.has(step.id)) return 0;
    seen.add(step.id);
    const deps = step.dependsOn.flatMap((id) => {
      const dep = byId.get(id);
      return dep ? [waveOf(dep, seen) + 1] : [];
    });
    const value = Math.max(0, ...deps);
    wave.set(step.id, value);
    return value;
  };
  const waves: PlanStep[][] = [];
  for (const step of steps) (waves[waveOf(step, new Set())] ??= []).push(step);
  return waves.filter(Boolean);
}
