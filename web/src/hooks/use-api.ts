import { useCallback, useEffect, useState } from "react";
import { api, ApiError } from "../api/client.js";

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  reload: () => void;
}

/**
 * GET `path` and, when `pollMs` is set, again every `pollMs`. The last good data stays on screen
 * while a refresh is in flight or fails, so the page never flickers to empty; data of another
 * path (the page before a navigation) is never shown.
 */
export function useApi<T>(path: string | null, pollMs?: number): Loaded<T> {
  const [state, setState] = useState<{ path: string; data?: T; error?: ApiError }>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    const load = () =>
      api<T>(path).then(
        (data) => {
          if (!cancelled) setState({ path, data });
        },
        (cause: unknown) => {
          if (cancelled) return;
          const error =
            cause instanceof ApiError ? cause : new ApiError(0, "LB_UI_ERROR", String(cause));
          setState((old) => ({ path, data: old?.path === path ? old.data : undefined, error }));
        },
      );
    void load();
    const timer = pollMs ? setInterval(() => void load(), pollMs) : undefined;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
  }, [path, pollMs, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = state?.path === path ? state : undefined;
  return { data: current?.data, error: current?.error, reload };
}
