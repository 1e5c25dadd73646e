import type { Clock } from "../model/clock.js";
import type { Inventory, KindCounts, Selection } from "../model/inventory/index.js";
import type { ApiCallStats, DiscoveryRequest, Provider } from "../providers/provider.js";
import { captureEnvironment } from "./capture.js";
import type { Explanation } from "./explanation.js";
import type { InventoryArchive, InventoryVersion, VersionIndex } from "./version-ports.js";

/** What capturing a version needs: the source cloud, where inventories go, and time. */
export interface CaptureVersionDeps {
  readonly provider: Provider;
  readonly archive: InventoryArchive;
  readonly index: VersionIndex;
  readonly clock: Clock;
}

/** The environment to capture: its name (the version index's key) and its selection. */
export interface CaptureTarget {
  readonly environment: string;
  readonly selection: Selection;
  /** Records the version under this label (not a capture of the primary; version-ports.ts). */
  readonly label?: string;
}

export interface VersionCapture {
  readonly environment: string;
  /** The version this capture is: a new one, or the latest one seen again. */
  readonly version: InventoryVersion;
  /** False when the environment was unchanged since the latest version. */
  readonly created: boolean;
  readonly digest: string;
  readonly counts: KindCounts;
  readonly inventory: Inventory;
  readonly explanation: Explanation;
  readonly apiCalls: ApiCallStats;
  /** Time spent discovering (provider calls and normalising). */
  readonly discoveryMs: number;
  /** Time of the whole capture, storing included. */
  readonly wallMs: number;
}

/**
 * Captures the environment and stores the result as a version.
 *
 * Order and crash semantics: discovery runs first and stores nothing, so a provider failure
 * (`LB_PROVIDER_*`, `LB_CANCELLED`) leaves the repository and the index untouched. A changed
 * inventory is then saved to the archive, and only after that indexed; a crash between the two
 * leaves an unreferenced snapshot (harmless; `repo prune` reclaims its space once forgotten)
 * and no version. An unchanged inventory (same digest as the latest version) writes no
 * snapshot: the index only moves the latest version's `lastSeenAt`. Safe to repeat.
 */
export async function captureVersion(
  deps: CaptureVersionDeps,
  target: CaptureTarget,
  request: DiscoveryRequest = {},
): Promise<VersionCapture> {
  const started = deps.clock.now().getTime();
  const result = await captureEnvironment(deps.provider, target.selection, request);
  const capturedAt = deps.clock.now();
  const discoveryMs = capturedAt.getTime() - started;
  const latest = await deps.index.latest(target.environment);
  const snapshotId =
    latest?.digest === result.digest
      ? latest.snapshotId
      : await deps.archive.save({
          environment: target.environment,
          inventory: result.inventory,
          digest: result.digest,
          capturedAt,
          counts: result.counts,
        });
  const { version, created } = await deps.index.record({
    environment: target.environment,
    capturedAt,
    digest: result.digest,
    snapshotId,
    counts: result.counts,
    ...(target.label === undefined ? {} : { label: target.label }),
  });
  return {
    environment: target.environment,
    version,
    created,
    digest: result.digest,
    counts: result.counts,
    inventory: result.inventory,
    explanation: result.explanation,
    apiCalls: result.apiCalls,
    discoveryMs,
    wallMs: deps.clock.now().getTime() - started,
  };
}
