import type { StateLabel } from "../format/state.js";

/** A coloured pill that always says its state in words, with a shape cue for colour-blindness. */
export function Badge({ state, testId }: { state: StateLabel; testId?: string }) {
  return (
    <span className={`badge tone-${state.tone}`} data-testid={testId} data-tone={state.tone}>
      <span className="badge-dot" aria-hidden="true" />
      {state.label}
    </span>
  );
}
