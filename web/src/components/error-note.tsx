import type { ApiError } from "../api/client.js";

/** An API error as the server wrote it: what failed, its stable code, and what to do. */
export function ErrorNote({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <div className="error-note" role="alert">
      <strong>{error.message}</strong>
      <span className="code">{error.code}</span>
      {error.remedy ? <p>{error.remedy}</p> : null}
    </div>
  );
}
