/**
 * Follows a run's server-sent events. EventSource cannot send an Authorization header, so this
 * reads the stream with fetch and parses the `event:`/`data:` lines itself.
 */
import { tokenStore } from "./client.js";

export interface SseMessage {
  event: string;
  data: string;
  /** The `id:` field: the journal sequence number, sent back as Last-Event-ID on reconnect. */
  id?: string;
}

/**
 * Calls `onMessage` for each event until the server ends the stream or `signal` aborts.
 * `lastEventId` resumes after the last event seen, so a reconnect does not replay the run.
 */
export async function followRunEvents(
  runId: string,
  onMessage: (message: SseMessage) => void,
  signal: AbortSignal,
  lastEventId?: string,
): Promise<void> {
  const headers = new Headers({ accept: "text/event-stream" });
  if (lastEventId) headers.set("last-event-id", lastEventId);
  const token = tokenStore.get();
  if (token) headers.set("authorization", `Bearer ${token}`);
  const url = new URL(
    `api/v1/runs/${encodeURIComponent(runId)}/events`,
    new URL("./", window.location.href),
  );
  const response = await fetch(url, { headers, signal });
  if (!response.ok || !response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, "\n");
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message = parseBlock(block);
      if (message) onMessage(message);
    }
  }
}

function parseBlock(block: string): SseMessage | undefined {
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue; // a comment: the server's keep-alive
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  if (data.length === 0 && event === "message") return undefined;
  return { event, data: data.join("\n"), ...(id === undefined ? {} : { id }) };
}
