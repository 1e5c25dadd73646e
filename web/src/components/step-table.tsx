import type { RunStep } from "../api/types.js";
import { stateOf, stepPhaseState } from "../format/state.js";
import { formatDuration } from "../format/time.js";
import { Badge } from "./badge.js";

/** Every step of a run in plan order, with its phase, duration and error as the server gave it. */
export function StepTable({ steps, now }: { steps: RunStep[]; now: number }) {
  return (
    <table className="steps" data-testid="steps">
      <thead>
        <tr>
          <th>State</th>
          <th>Step</th>
          <th>Kind</th>
          <th className="num">Took</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => (
          <tr
            key={step.id}
            className={step.waitingForApproval ? "step-waiting" : ""}
            data-phase={step.phase}
          >
            <td>
              <Badge
                state={
                  step.waitingForApproval
                    ? { tone: "warn", label: "Needs approval" }
                    : stateOf(stepPhaseState, step.phase)
                }
              />
            </td>
            <td>
              <div>{step.summary ?? step.id}</div>
              {step.summary ? <div className="muted mono">{step.id}</div> : null}
              <StepError error={step.error} />
            </td>
            <td>{step.kind}</td>
            <td className="num">{took(step, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function took(step: RunStep, now: number): string {
  if (!step.startedAt) return "";
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  return formatDuration(end - Date.parse(step.startedAt));
}

function StepError({ error }: { error: RunStep["error"] }) {
  if (!error) return null;
  if (typeof error === "string") return <div className="diff-del">{error}</div>;
  return (
    <div className="diff-del">
      {error.message} {error.code ? <span className="code">{error.code}</span> : null}
      {error.remedy ? <div className="muted">{error.remedy}</div> : null}
    </div>
  );
}
