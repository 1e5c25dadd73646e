import { withStateStore } from "../../composition.js";
import { environmentNamed } from "../../config/config-lookups.js";
import { systemClock } from "../../model/clock.js";
import { isLifeboatError } from "../../model/errors.js";
import { listEvents, type EventRecord } from "../../store/events-repo.js";
import type { Store } from "../../store/store.js";
import { countFlag } from "../count-flag.js";
import { eventJson, eventLine, type EventJson } from "../event-text.js";
import { printResult, type CliIo, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `events` without `--follow` (docs/cli-json.md). */
export interface EventsJson {
  readonly ok: true;
  readonly environment: string;
  /** Oldest first; the last `id` is the cursor for `--after`. */
  readonly events: readonly EventJson[];
}

interface EventsOptions extends GlobalOptions {
  readonly limit: string;
  readonly type?: string;
  readonly after?: string;
  readonly follow?: boolean;
  readonly poll: string;
}

/** How many ids behind its cursor `--follow` looks again for rows committed late. */
const rereadWindow = 100;

/** How often `--follow` asks the store for new rows. */
const defaultPollMs = 1000;

/** Ends on Ctrl-C or SIGTERM, so `--follow` exits 0 when the operator stops it. */
function stopSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    },
  };
}

/** One event: an NDJSON line with --json, else a line of text. */
function printEvent(io: CliIo, options: GlobalOptions, e: EventRecord): void {
  io.stdout(`${options.json ? JSON.stringify(eventJson(e)) : eventLine(e, new Date())}\n`);
}

async function follow(
  io: CliIo,
  store: Store,
  query: { environment: string; type?: string },
  afterId: number,
  options: EventsOptions,
): Promise<void> {
  const { signal, dispose } = stopSignal();
  const pollMs = countFlag("--poll", options.poll, 50);
  let cursor = afterId;
  // PostgreSQL hands out identity values before commit, so a row with a smaller id can become
  // visible after a larger one (docs/state-store.md, "Events cursor"): re-read a window behind
  // the cursor and skip what was printed.
  const printed = new Set<number>();
  try {
    while (!signal.aborted) {
      const from = Math.max(afterId, cursor - rereadWindow);
      for (const event of await listEvents(store, { ...query, afterId: from, limit: 1000 })) {
        if (printed.has(event.id)) continue;
        printEvent(io, options, event);
        printed.add(event.id);
        cursor = Math.max(cursor, event.id);
      }
      for (const id of printed) if (id <= cursor - rereadWindow) printed.delete(id);
      await systemClock.sleep(pollMs, signal);
    }
  } catch (error) {
    if (!isLifeboatError(error, "LB_CANCELLED")) throw error;
  } finally {
    dispose();
  }
}

/** `lifeboat events <env>`: the decisions and audit log, newest N, optionally followed. */
export const registerEvents: RegisterCommand = (program, io) => {
  program
    .command("events")
    .description(
      "Show an environment's events (watch decisions with evidence, approvals, status changes), oldest first; --follow keeps printing new ones.",
    )
    .argument("<env>", "environment name from the config")
    .option("--limit <n>", "show the newest n events", "50")
    .option(
      "--type <type>",
      "only this event type, or every type starting with it if it ends in '.'",
    )
    .option("--after <id>", "only events after this event id (a cursor from an earlier call)")
    .option("--follow", "keep polling for new events until interrupted (NDJSON with --json)")
    .option("--poll <ms>", "with --follow: milliseconds between polls", String(defaultPollMs))
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: EventsOptions) => {
      await runAction(io, options.json, () =>
        withStateStore({ config: options.config }, async (store, loaded) => {
          environmentNamed(loaded, env);
          const query = { environment: env, ...(options.type ? { type: options.type } : {}) };
          const limit = countFlag("--limit", options.limit);
          const after = options.after === undefined ? 0 : countFlag("--after", options.after, 0);
          const events = (
            await listEvents(store, { ...query, afterId: after, limit, newestFirst: true })
          ).reverse();
          if (options.follow) {
            // The newest matching events first, then whatever arrives after the last of them.
            for (const e of events) printEvent(io, options, e);
            return follow(io, store, query, events.at(-1)?.id ?? after, options);
          }
          const result: EventsJson = { ok: true, environment: env, events: events.map(eventJson) };
          printResult(io, options.json, result, (x) =>
            x.events.length === 0
              ? `no events for ${env}${options.type ? ` of type ${options.type}` : ""}`
              : events.map((e) => eventLine(e, new Date())).join("\n"),
          );
        }),
      );
    });
};
