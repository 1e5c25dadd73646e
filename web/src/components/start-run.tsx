import { useState } from "react";
import { ApiError, enc, post } from "../api/client.js";
import type { PlanPreview, RecoveryMode, RunSummary } from "../api/types.js";
import { hrefs } from "../hooks/use-route.js";
import { ErrorNote } from "./error-note.js";
import { planWaves } from "./plan-waves.js";

/** The API may answer with the plan itself or with `{ plan, summary }` as `lifeboat plan` does. */
type PlanBody = PlanPreview & { plan?: PlanPreview };

/**
 * Preview first, then start: the plan the server would run is shown wave by wave before the
 * button that runs it appears. A failover also needs the environment's name typed in.
 */
export function StartRun({ env, canStart }: { env: string; canStart: boolean }) {
  const [mode, setMode] = useState<Extract<RecoveryMode, "drill" | "failover">>("drill");
  const [plan, setPlan] = useState<PlanPreview>();
  const [confirm, setConfirm] = useState("");
  // A failover waits for an approver before moving DNS unless the operator says otherwise.
  const [approval, setApproval] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(undefined);
    try {
      return await work();
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : new ApiError(0, "LB_UI_ERROR", String(cause)));
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  const request = mode === "failover" ? { mode, approval } : { mode };
  const preview = () =>
    attempt(async () => {
      const body = await post<PlanBody>(`/api/v1/environments/${enc(env)}/plan`, request);
      setPlan(body.plan ?? body);
    });
  const start = () =>
    attempt(async () => {
      const { run } = await post<{ run: RunSummary }>("/api/v1/runs", {
        environment: env,
        ...request,
      });
      window.location.hash = hrefs.run(run.id);
    });

  const waves = plan ? planWaves(plan.steps) : [];
  const confirmed = mode === "drill" || confirm === env;
  return (
    <div data-testid="start-run">
      <div className="actions">
        <label htmlFor="mode">Mode</label>
        <select
          id="mode"
          value={mode}
          onChange={(event) => {
            setMode(event.target.value as "drill" | "failover");
            setPlan(undefined);
          }}
        >
          <option value="drill">Drill (isolated, torn down after)</option>
          <option value="failover">Failover (moves traffic)</option>
        </select>
        {mode === "failover" ? (
          <label className="check">
            <input
              type="checkbox"
              checked={approval}
              onChange={(event) => {
                setApproval(event.target.checked);
                setPlan(undefined);
              }}
            />
            Ask for approval before moving DNS
          </label>
        ) : null}
        <button type="button" onClick={() => void preview()} disabled={busy || !canStart}>
          Preview plan
        </button>
        {!canStart ? <span className="muted">Starting runs needs the operator role.</span> : null}
      </div>
      <ErrorNote error={error} />
      {plan ? (
        <div className="plan-preview" data-testid="plan-preview">
          <p>
            <strong>{plan.steps.length} steps</strong> in {waves.length} waves
            {plan.target ? ` into ${plan.target.connection} (${plan.target.region})` : ""}.
          </p>
          <ol className="waves">
            {waves.map((wave, i) => (
              <li key={i}>
                <span className="muted">wave {i + 1}:</span> {summarise(wave.map((s) => s.kind))}
              </li>
            ))}
          </ol>
          <div className="actions">
            {mode === "failover" ? (
              <input
                aria-label="Type the environment name to confirm a failover"
                placeholder={`type “${env}” to confirm`}
                value={confirm}
                onChange={(event) => setConfirm(event.target.value)}
              />
            ) : null}
            <button
              type="button"
              className={mode === "failover" ? "danger" : "primary"}
              onClick={() => void start()}
              disabled={busy || !confirmed}
            >
              Start {mode}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** "create ×12, wait ×3" */
function summarise(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ×${n}`).join(", ");
}
