import { BugError } from "../model/errors.js";

export interface GraphNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/** Shape of a DAG, for ordering and for the report. */
export interface GraphAnalysis {
  /** Step ids by wave: wave n holds the steps whose longest chain of dependencies is n long. */
  readonly waves: readonly (readonly string[])[];
  /** Wave index per step id. */
  readonly waveOf: ReadonlyMap<string, number>;
  /** The longest chain of dependent steps, first to last (the least steps a run takes in turn). */
  readonly criticalPath: readonly string[];
  /** The most steps in one wave: how many could run at once with unlimited concurrency. */
  readonly maxWidth: number;
}

/**
 * Checks that the graph is a DAG whose edges all name nodes, and computes its waves, critical
 * path and width. Deterministic: ties break by id. A cycle or a dangling edge is a planner bug
 * (the plan is derived data), so it throws {@link BugError} naming the cycle.
 */
export function analyseGraph(nodes: readonly GraphNode[]): GraphAnalysis {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes) {
    for (const d of n.dependsOn) {
      if (!byId.has(d)) throw new BugError(`plan: step ${n.id} depends on unknown step ${d}`);
    }
  }
  const waveOf = new Map<string, number>();
  const via = new Map<string, string>();
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): number => {
    const seen = state.get(id);
    if (seen === "done") return waveOf.get(id) ?? 0;
    if (seen === "visiting") {
      const cycle = [...stack.slice(stack.indexOf(id)), id];
      throw new BugError(`plan: dependency cycle ${cycle.join(" -> ")}`);
    }
    state.set(id, "visiting");
    stack.push(id);
    let wave = 0;
    for (const dep of [...(byId.get(id)?.dependsOn ?? [])].sort()) {
      const w = visit(dep) + 1;
      if (w > wave) {
        wave = w;
        via.set(id, dep);
      }
    }
    stack.pop();
    state.set(id, "done");
    waveOf.set(id, wave);
    return wave;
  };
  const ids = nodes.map((n) => n.id).sort();
  ids.forEach(visit);
  const waves: string[][] = [];
  for (const id of ids) {
    const w = waveOf.get(id) ?? 0;
    (waves[w] ??= []).push(id);
  }
  const last = waves.at(-1)?.[0];
  const criticalPath: string[] = [];
  for (let id = last; id !== undefined; id = via.get(id)) criticalPath.unshift(id);
  return {
    waves,
    waveOf,
    criticalPath,
    maxWidth: Math.max(0, ...waves.map((w) => w.length)),
  };
}

/**
 * The same DAG with every edge implied by a longer path removed (transitive reduction). A step
 * runs only after its dependencies succeeded, and they only after theirs, so waiting for the
 * reduced set is waiting for everything; the plan lists only direct reasons, which people read.
 */
export function reduceEdges(nodes: readonly GraphNode[]): Map<string, string[]> {
  const { waveOf } = analyseGraph(nodes);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const all = new Set<string>();
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      all.add(dep);
      for (const a of ancestorsOf(dep)) all.add(a);
    }
    ancestors.set(id, all);
    return all;
  };
  const reduced = new Map<string, string[]>();
  for (const n of nodes) {
    const deps = [...new Set(n.dependsOn)];
    // A dependency implied by another lies in a lower wave; walking from the highest wave, it
    // is enough to test against the dependencies already kept.
    deps.sort((a, b) => (waveOf.get(b) ?? 0) - (waveOf.get(a) ?? 0));
    const kept: string[] = [];
    for (const d of deps) if (!kept.some((k) => ancestorsOf(k).has(d))) kept.push(d);
    reduced.set(n.id, kept.sort());
  }
  return reduced;
}
