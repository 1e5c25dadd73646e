import { useMemo } from "react";
import type { Graph } from "../api/types.js";
import { box, layoutGraph } from "./graph-layout.js";

/** The captured resources as boxes, each reference drawn as a curve to what it depends on. */
export function ResourceGraph({ graph }: { graph: Graph }) {
  const layout = useMemo(() => layoutGraph(graph), [graph]);
  if (graph.nodes.length === 0) return <p className="empty">This version has no resources.</p>;
  return (
    <div className="graph-wrap">
      <svg
        width={layout.width}
        height={layout.height}
        role="img"
        aria-label={`${graph.nodes.length} resources, ${graph.edges.length} dependencies`}
        data-testid="resource-graph"
      >
        {layout.edges.map(({ from, to }) => {
          // From the right side of the dependency to the left side of the resource needing it.
          const x1 = to.x + box.width;
          const y1 = to.y + box.height / 2;
          const x2 = from.x;
          const y2 = from.y + box.height / 2;
          const bend = (x2 - x1) / 2;
          return (
            <path
              key={`${from.id}->${to.id}`}
              className="graph-edge"
              d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}
            />
          );
        })}
        {layout.nodes.map((node) => (
          <g key={node.id} className="graph-node" transform={`translate(${node.x},${node.y})`}>
            <title>{node.id}</title>
            <rect width={box.width} height={box.height} rx={6} />
            <text x={10} y={15} className="kind">
              {node.kind}
            </text>
            <text x={10} y={30}>
              {clip(node.name, 21)}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
