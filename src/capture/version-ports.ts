import type { Inventory, KindCounts } from "../model/inventory/index.js";

/**
 * One stored capture of an environment, as the version index keeps it. Versions count up from
 * 1 per environment without gaps; a capture identical to the latest moves `lastSeenAt` only.
 */
export interface InventoryVersion {
  readonly environment: string;
  readonly version: number;
  readonly capturedAt: Date;
  /** The last capture that found this same inventory (the configuration's RPO). */
  readonly lastSeenAt: Date;
  /** `sha256:<hex>` of the canonical inventory. */
  readonly digest: string;
  /** The repository snapshot that holds the inventory. */
  readonly snapshotId: string;
  readonly counts: Readonly<Record<string, number>>;
  /**
   * Absent for captures of the environment's primary; `copy:<failover run id>` for a
   * failback's capture of the copy that served during a failover (docs/recovery.md).
   */
  readonly label?: string;
}

/** What a capture adds to the index. */
export interface CapturedInventory {
  readonly environment: string;
  readonly capturedAt: Date;
  readonly digest: string;
  readonly snapshotId: string;
  readonly counts: KindCounts;
  /** A labelled capture (not of the primary): see {@link InventoryVersion.label}. */
  readonly label?: string;
}

/**
 * Where inventories live: encrypted, immutable documents (the repository). `save` writes a new
 * document and resolves its id only once it is durable; `load` returns what was saved, or fails
 * with an `LB_REPO_*` integrity or not-found error. Neither is retried here.
 */
export interface InventoryArchive {
  save(input: {
    readonly environment: string;
    readonly inventory: Inventory;
    readonly digest: string;
    readonly capturedAt: Date;
    readonly counts: KindCounts;
  }): Promise<string>;
  /** The stored document, unvalidated: the engine checks it against the schema and digest. */
  load(snapshotId: string): Promise<unknown>;
}

/**
 * The index of versions (the state store). `record` is atomic per environment: when the digest
 * equals the latest version's it only moves that version's `lastSeenAt` (`created: false`),
 * otherwise it appends version latest + 1 (`created: true`), so concurrent identical captures
 * add one version at most. A labelled capture is recorded once per label (the second time it
 * returns the first, `created: false`).
 */
export interface VersionIndex {
  /** Newest first. An environment that was never captured has none. */
  list(environment: string): Promise<readonly InventoryVersion[]>;
  get(environment: string, version: number): Promise<InventoryVersion | undefined>;
  /** The newest version of the primary: labelled versions are never the latest. */
  latest(environment: string): Promise<InventoryVersion | undefined>;
  record(
    input: CapturedInventory,
  ): Promise<{ readonly version: InventoryVersion; readonly created: boolean }>;
}
