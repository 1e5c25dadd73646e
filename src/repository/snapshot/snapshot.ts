import { z } from "zod";

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const snapshotKinds = ["file", "tree", "image", "stream", "inventory"] as const;
export type SnapshotKind = (typeof snapshotKinds)[number];

/** A snapshot object (docs/repository-format.md, "Snapshots"). */
export const snapshotSchema = z
  .object({
    version: z.literal(1),
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
