import { useState } from "react";
import type { RunStep } from "../api/types.js";

/** A step held for a human: approve or reject it, with a comment the journal keeps. */
export function ApprovalCard(props: {
  steps: RunStep[];
  canApprove: boolean;
  busy: boolean;
  onDecide: (step: string, decision: "approve" | "reject", comment: string) => void;
}) {
  const { steps, canApprove, busy, onDecide } = props;
  const [comment, setComment] = useState("");
  if (steps.length === 0) return null;
  return (
    <section className="card approval" data-testid="approval">
      <header className="card-head">
        <h2>Waiting for approval</h2>
      </header>
      <p className="muted">
        The run is paused at this step. Approve to let it go on (a failover then moves DNS to the
        recovered side); reject to stop it with nothing moved.
      </p>
      {steps.map((step) => (
        <div key={step.id} className="actions" style={{ marginBottom: "0.75rem" }}>
          <span>
            <strong>{step.summary ?? questionOf(step.id)}</strong>{" "}
            <span className="muted mono">{step.id}</span>
          </span>
          {canApprove ? (
            <>
              <button
                type="button"
                className="approve"
                disabled={busy}
                onClick={() => onDecide(step.id, "approve", comment)}
              >
                Approve
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => onDecide(step.id, "reject", comment)}
              >
                Reject
              </button>
            </>
          ) : (
            <span className="muted">Approving needs the approver role.</span>
          )}
        </div>
      ))}
      {canApprove ? (
        <input
          aria-label="Comment"
          placeholder="Comment (optional, kept in the run's journal)"
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          style={{ width: "100%" }}
        />
      ) : null}
    </section>
  );
}

/** The question a step without a summary asks, from its id (`approval:dns` holds a DNS move). */
function questionOf(stepId: string): string {
  return stepId === "approval:dns" ? "Move DNS to the recovered side?" : "Continue the run?";
}
