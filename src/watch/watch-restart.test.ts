import { strict as assert } from "node:assert";
import { after, test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { normalizeFailoverPolicy } from "../model/failover-policy.js";
import { RecordingLogger } from "../model/logger.js";
import { listEvents } from "../store/events-repo.js";
import { openStore } from "../store/open-store.js";
import { heartbeatProbe } from "./freshness-probe.js";
import { listDecisions, storeDecisionSink } from "./store-decision-sink.js";
import { Watcher } from "./watcher.js";

const store = await openStore("sqlite::memory:");
after(() => store.close());

test("decisions recorded in the store carry an incident over a watcher restart", async () => {
  const clock = new ManualClock("2026-03-02T10:00:00Z");
  let lastBeat: Date | null = clock.now();
  const watcher = async () =>
    new Watcher({
      environment: "shop",
      probes: [
        {
          probe: heartbeatProbe({
            agent: "web-1",
            maxAgeMs: 60_000,
            newestHeartbeat: async () => lastBeat,
            clock,
          }),
          everyMs: 30_000,
        },
      ],
      policy: normalizeFailoverPolicy({ action: "failover-with-approval", after: 2 }),
      clock,
      logger: new RecordingLogger(),
      sink: storeDecisionSink(store),
      history: (await listDecisions(store, "shop")).map((r) => r.decision),
    });
  const rounds = async (w: Watcher, n: number) => {
    const kinds: string[] = [];
    for (let i = 0; i < n; i++) {
      kinds.push(...(await w.runRound()).map((d) => d.kind));
      clock.advance(30_000);
      if (lastBeat !== null && clock.now().getTime() - lastBeat.getTime() < 60_000) {
        lastBeat = clock.now();
      }
    }
    return kinds;
  };

  const first = await watcher();
  assert.deepEqual(await rounds(first, 2), []);
  lastBeat = null; // the agent stops reporting
  assert.deepEqual(await rounds(first, 3), ["action"]);

  const second = await watcher(); // a new process, same store
  assert.notEqual(second.status().incident, null);
  assert.deepEqual(await rounds(second, 5), []); // the same incident is not acted on again
  lastBeat = clock.now();
  assert.deepEqual(await rounds(second, 3), ["recovered"]);

  const events = await listEvents(store, { environment: "shop" });
  assert.deepEqual(
    events.map((e) => e.type),
    ["watch.action", "watch.recovered"],
  );
  assert.equal(events[0]?.data.action, "failover-with-approval");
});
