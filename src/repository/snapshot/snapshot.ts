import { z } from "zod";

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const snapshotKinds = ["file", "tree", "image", "stream", "inventory"] as const;
export type SnapshotKind = (typeof snapshotKinds)[number];

/**
 * Snapshot format versions this build reads. Version 2 marks a snapshot whose tree has image
 * `patches` (docs/repository-format.md, "Trees"): a version-1 reader must refuse it rather than
 * restore the base chunks without them. Snapshots without patches are still written as 1.
 */
export const SNAPSHOT_VERSION_PLAIN = 1;
export const SNAPSHOT_VERSION_PATCHES = 2;

/** Just the version of a snapshot object, read first so a newer format is named as such. */
export const snapshotVersionProbe = z.object({ version: z.unknown() }).loose();

/** A snapshot object (docs/repository-format.md, "Snapshots"). */
export const snapshotSchema = z
  .object({
    version: z.union([z.literal(SNAPSHOT_VERSION_PLAIN), z.literal(SNAPSHOT_VERSION_PATCHES)]),
    time: z.iso.datetime(),
    host: z.string(),
    username: z.string(),
    tags: z.array(z.string()),
    kind: z.enum(snapshotKinds),
    source: z.string(),
    parent: hex32.optional(),
    size: z.number().int().min(0),
    root: hex32,
    fields: z.record(z.string(), z.unknown()),
  })
  .strict();

export type Snapshot = z.infer<typeof snapshotSchema>;

/** A snapshot with its id (the name of its object). */
export interface StoredSnapshot extends Snapshot {
  readonly id: string;
}
