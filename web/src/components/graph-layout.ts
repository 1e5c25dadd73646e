/**
 * Lays a resource graph out in columns by dependency depth: a resource sits one column right of
 * the deepest thing it refers to, so networks land on the left and DNS on the right — the order
 * a recovery builds them in. Good enough for environments of a few hundred resources, and no
 * graph library in the bundle.
 */
import type { Graph, GraphNode } from "../api/types.js";

export const box = { width: 156, height: 38, columnGap: 40, rowGap: 12, pad: 16 };

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  depth: number;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: Array<{ from: PlacedNode; to: PlacedNode }>;
  width: number;
  height: number;
}

export function layoutGraph(graph: Graph): Layout {
  const refersTo = new Map<string, string[]>();
  for (const edge of graph.edges) {
    refersTo.set(edge.from, [...(refersTo.get(edge.from) ?? []), edge.to]);
  }
  const depths = new Map<string, number>();
  const depthOf = (id: string, visiting: Set<string>): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    // A cycle (not expected in an inventory) is cut where it closes instead of recursing forever.
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const targets = refersTo.get(id) ?? [];
    const depth =
      targets.length === 0 ? 0 : 1 + Math.max(...targets.map((t) => depthOf(t, visiting)));
    visiting.delete(id);
    depths.set(id, depth);
    return depth;
  };

  const columns: GraphNode[][] = [];
  for (const node of graph.nodes) {
    const depth = depthOf(node.id, new Set());
    (columns[depth] ??= []).push(node);
  }
  // Each column is ordered by the mean row of what its nodes refer to (one barycentre pass,
  // left to right): related boxes sit level with each other and far fewer curves cross.
  const placed = new Map<string, PlacedNode>();
  const byName = (a: GraphNode, b: GraphNode) =>
    a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);
  columns.forEach((column, depth) => {
    const centre = (node: GraphNode) => {
      const rows = (refersTo.get(node.id) ?? []).flatMap((id) => {
        const target = placed.get(id);
        return target ? [target.y] : [];
      });
      return rows.length === 0 ? 0 : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    column
      .sort((a, b) => (depth === 0 ? 0 : centre(a) - centre(b)) || byName(a, b))
      .forEach((node, row) => {
        placed.set(node.id, {
          ...node,
          depth,
          x: box.pad + depth * (box.width + box.columnGap),
          y: box.pad + row * (box.height + box.rowGap),
        });
      });
  });
  // One curve per pair: a resource may refer to the same one through several fields (two
  // routes to one gateway). References to things outside the inventory have no box to reach.
  const seen = new Set<string>();
  const edges = graph.edges.flatMap((edge) => {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    const key = `${edge.from}\n${edge.to}`;
    if (!from || !to || seen.has(key)) return [];
    seen.add(key);
    return [{ from, to }];
  });
  const tallest = Math.max(1, ...columns.map((c) => c?.length ?? 0));
  return {
    nodes: [...placed.values()],
    edges,
    width:
      box.pad * 2 + columns.length * box.width + Math.max(0, columns.length - 1) * box.columnGap,
    height: box.pad * 2 + tallest * box.height + (tallest - 1) * box.rowGap,
  };
}
