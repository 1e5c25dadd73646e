import { useEffect, useState } from "react";
import { followRunEvents, type SseMessage } from "../api/run-events.js";

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
    // Events come in bursts (a wave of steps starts together): one reload per 300 ms is enough.
    let pending: ReturnType<typeof setTimeout> | undefined;
    const coalesced = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        onEvent();
      }, 300);
    };
    let lastId: string | undefined;
    let ended = false;
    const onMessage = (message: SseMessage) => {
      if (message.id !== undefined) lastId = message.id;
      // `end`: the run has ended and everything was sent; nothing more will come.
      if (message.event === "end") ended = true;
      coalesced();
    };
    const connect = () => {
      setConnected(true);
      followRunEvents(runId, onMessage, abort.signal, lastId)
        .catch(() => undefined)
        .finally(() => {
          setConnected(false);
          if (!abort.signal.aborted && !ended) retry = setTimeout(connect, 3000);
        });
    };
    connect();
    return () => {
      abort.abort();
      if (retry) clearTimeout(retry);
      if (pending) clearTimeout(pending);
    };
  }, [runId, live, onEvent]);
  return connected;
}
