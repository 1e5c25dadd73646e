import type { Clock } from "../model/clock.js";
import type { WatchDecision } from "../model/failover-policy.js";
import type { Logger } from "../model/logger.js";
import type { Secret } from "../model/secret.js";
import type { DecisionListener } from "./decision-sink.js";
import { describeError } from "./network-status.js";
import { signBody, webhookBody } from "./webhook-body.js";

export interface WebhookAlerterOptions {
  readonly url: string;
  /** Signs each body (`x-lifeboat-signature: sha256=<hmac>`). */
  readonly secret?: Secret;
  readonly headers?: Readonly<Record<string, string>>;
  /** Attempts per delivery, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Backoff before the 2nd attempt, doubled each time up to `maxBackoffMs`. Default 1 s. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Per attempt. Default 10 s. */
  readonly timeoutMs?: number;
  /** Undelivered decisions kept; beyond it the oldest is dropped (and logged). Default 100. */
  readonly queueLimit?: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

type Outcome = "delivered" | "retry" | "rejected";

/**
 * Sends each decision as a JSON POST (body: {@link webhookBody}) to one URL. `notify` only
 * queues: delivery runs in the background, one decision at a time in order, so a slow or dead
 * receiver never blocks the watcher. A 2xx is delivered; a 5xx, 408, 429, timeout or connection
 * error is retried with exponential backoff up to `maxAttempts`; any other status is rejected at
 * once. Every retry carries the same `deliveryId`. Outcomes are logged, never thrown.
 */
export class WebhookAlerter implements DecisionListener {
  readonly #options: WebhookAlerterOptions;
  readonly #queue: WatchDecision[] = [];
  readonly #closing = new AbortController();
  #worker: Promise<void> | undefined;

  constructor(options: WebhookAlerterOptions) {
    this.#options = options;
  }

  notify(decision: WatchDecision): void {
    if (this.#closing.signal.aborted) return;
    this.#queue.push(decision);
    const limit = this.#options.queueLimit ?? 100;
    while (this.#queue.length > limit) {
      const dropped = this.#queue.shift();
      this.#options.logger.log("warn", "watch.webhook.dropped", {
        url: this.#options.url,
        incidentId: dropped?.incidentId,
        kind: dropped?.kind,
      });
    }
    this.#kick();
  }

  #kick(): void {
    if (this.#worker !== undefined) return;
    this.#worker = this.#drain().finally(() => {
      this.#worker = undefined;
      // A decision queued after the drain's last check but before this line needs a new drain.
      if (this.#queue.length > 0 && !this.#closing.signal.aborted) this.#kick();
    });
  }

  /** Resolves when everything queued so far has been delivered or given up on. */
  async idle(): Promise<void> {
    while (this.#worker !== undefined) await this.#worker;
  }

  /** Stops delivering: the attempt in flight is aborted, the queue discarded. */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#queue.length = 0;
    await this.#worker?.catch(() => undefined);
  }

  async #drain(): Promise<void> {
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      if (this.#closing.signal.aborted) return;
      await this.#deliver(next);
    }
  }

  async #deliver(decision: WatchDecision): Promise<void> {
    const { url, logger, clock } = this.#options;
    const body = webhookBody(decision);
    const text = JSON.stringify(body);
    const maxAttempts = this.#options.maxAttempts ?? 5;
    let backoff = this.#options.initialBackoffMs ?? 1000;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const { outcome, detail } = await this.#attempt(text);
      const fields = { url, deliveryId: body.deliveryId, attempt, detail };
      if (outcome === "delivered") {
        logger.log("info", "watch.webhook.delivered", fields);
        return;
      }
      if (outcome === "rejected" || this.#closing.signal.aborted) {
        logger.log("error", "watch.webhook.rejected", fields);
        return;
      }
      if (attempt === maxAttempts) {
        logger.log("error", "watch.webhook.failed", fields);
        return;
      }
      logger.log("warn", "watch.webhook.retry", { ...fields, backoffMs: backoff });
      try {
        await clock.sleep(backoff, this.#closing.signal);
      } catch {
        return; // closed while backing off
      }
      backoff = Math.min(backoff * 2, this.#options.maxBackoffMs ?? 60_000);
    }
  }

  async #attempt(text: string): Promise<{ outcome: Outcome; detail: string }> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "lifeboat-watch",
      ...this.#options.headers,
    };
    if (this.#options.secret !== undefined) {
      headers["x-lifeboat-signature"] = signBody(text, this.#options.secret.reveal());
    }
    const timeout = AbortSignal.timeout(this.#options.timeoutMs ?? 10_000);
    try {
      const response = await fetch(this.#options.url, {
        method: "POST",
        headers,
        body: text,
        signal: AbortSignal.any([timeout, this.#closing.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      const status = response.status;
      if (status >= 200 && status < 300)
        return { outcome: "delivered", detail: `status ${status}` };
      const retry = status >= 500 || status === 408 || status === 429;
      return { outcome: retry ? "retry" : "rejected", detail: `status ${status}` };
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      return { outcome: "retry", detail: describeError(cause ?? error) };
    }
  }
}
