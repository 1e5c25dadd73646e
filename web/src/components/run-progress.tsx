import type { RunStep } from "../api/types.js";
import { stepPhaseState, stateOf, type Tone } from "../format/state.js";

const order: Tone[] = ["ok", "info", "warn", "bad", "idle"];
const colour: Record<Tone, string> = {
  ok: "var(--ok)",
  info: "var(--info)",
  warn: "var(--warn)",
  bad: "var(--bad)",
  idle: "var(--line)",
};

/** A bar of steps by state, with the counts in words below it. */
export function RunProgress({ steps }: { steps: RunStep[] }) {
  const byLabel = new Map<string, { tone: Tone; count: number }>();
  for (const step of steps) {
    const state = stateOf(stepPhaseState, step.phase);
    const entry = byLabel.get(state.label) ?? { tone: state.tone, count: 0 };
    entry.count += 1;
    byLabel.set(state.label, entry);
  }
  const parts = [...byLabel].sort((a, b) => order.indexOf(a[1].tone) - order.indexOf(b[1].tone));
  const total = Math.max(1, steps.length);
  return (
    <>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={byLabel.get("Done")?.count ?? 0}
      >
        {parts.map(([label, { tone, count }]) => (
          <span
            key={label}
            style={{ width: `${(count / total) * 100}%`, background: colour[tone] }}
          />
        ))}
      </div>
      <p className="muted" data-testid="step-counts">
        {parts.map(([label, { count }]) => `${count} ${label.toLowerCase()}`).join(" · ")}
      </p>
    </>
  );
}
