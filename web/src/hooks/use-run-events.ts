import { useEffect, useState } from "react";
import { followRunEvents } from "../api/run-events.js";

/**
 * Calls `onEvent` whenever the run's event stream delivers something, while `live`. Returns
 * whether the stream is connected. A dropped stream is retried after a pause; the page also
 * polls, so a proxy that buffers events costs latency, not correctness.
 */
export function useRunEvents(runId: string, live: boolean, onEvent: () => void): boolean {
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      setConnected(true);
      followRunEvents(runId, () => onEvent(), abort.signal)
        .catch(() => undefined)
        .finally(() => {
          setConnected(false);
          if (!abort.signal.aborted) retry = setTimeout(connect, 3000);
        });
    };
    connect();
    return () => {
      abort.abort();
      if (retry) clearTimeout(retry);
    };
  }, [runId, live, onEvent]);
  return connected;
}
