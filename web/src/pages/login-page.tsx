import { useState, type FormEvent } from "react";
import { api, ApiError, tokenStore } from "../api/client.js";
import type { WhoAmI } from "../api/types.js";
import { ErrorNote } from "../components/error-note.js";
import { Logo } from "../components/logo.js";

/** Paste a token from `lifeboat token create`; it is checked against /whoami before it is kept. */
export function LoginPage({ onLogin }: { onLogin: (who: WhoAmI) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    tokenStore.set(token.trim());
    try {
      onLogin(await api<WhoAmI>("/api/v1/whoami"));
    } catch (cause) {
      tokenStore.clear();
      setError(cause instanceof ApiError ? cause : new ApiError(0, "LB_UI_ERROR", String(cause)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={(event) => void submit(event)}>
        <h1>
          <Logo />
          Lifeboat
        </h1>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          placeholder="lbt_…"
          required
        />
        <p className="hint">
          Create one with <code>lifeboat token create --name you --role operator</code>. It is kept
          in this tab only.
        </p>
        <button type="submit" className="primary" disabled={busy || token.trim() === ""}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}
