/**
 * The call point the `snapshot` action uses to take a recovery point of several objects as one
 * consistency group. Composition wires it to the protection engine's group cycle
 * (src/compose-snapshot.ts): the points are `recovery_points` rows grouped under `group`.
 */

/** One object of a consistency group. */
export type GroupItem =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "device"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string; readonly name: string };

export interface GroupRequest {
  /** Names the group; the same key twice adopts the first point (idempotent). */
  readonly group: string;
  readonly environment: string;
  /** The one timestamp every item of the point carries. */
  readonly time: Date;
  readonly items: readonly GroupItem[];
  readonly signal: AbortSignal;
}

export interface RecoveryPoint {
  readonly group: string;
  readonly time: string;
  /** True when an earlier call with this group had taken it already. */
  readonly adopted: boolean;
  readonly items: readonly {
    readonly item: string;
    readonly snapshot: string;
    readonly size: number;
  }[];
}

/**
 * Takes a recovery point of every item, all stamped with `time` and tagged with `group`.
 * Semantics: all or nothing from the caller's view (a failure throws and the point is not
 * reported; snapshots already written stay in the repository and are adopted on retry); items
 * are taken one after another while the caller keeps them quiesced; a group taken before is
 * returned with `adopted: true` and nothing is written.
 */
export interface RecoveryPointPort {
  takeGroup(request: GroupRequest): Promise<RecoveryPoint>;
}
