import { z } from "zod";
import { parseJson } from "./json-object.js";

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const nodeTypes = ["file", "dir", "symlink", "device", "fifo", "socket"] as const;

/** One directory entry of a tree blob (docs/repository-format.md, "Trees"). */
export const treeNodeSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum(nodeTypes),
    mode: z.number().int().optional(),
    uid: z.number().int().optional(),
    gid: z.number().int().optional(),
    user: z.string().optional(),
    group: z.string().optional(),
    mtime: z.string().optional(),
    atime: z.string().optional(),
    ctime: z.string().optional(),
    size: z.number().int().min(0).optional(),
    linkTarget: z.string().optional(),
    linkTargetRaw: z.string().optional(),
    hardLinkId: z.string().optional(),
    device: z.number().int().optional(),
    sparse: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).optional(),
    content: z.array(hex32).optional(),
    chunkSize: z.number().int().min(1).optional(),
    /** Image nodes: [offset, length, blob] laid over the chunks in list order (format v2). */
    patches: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0), hex32])).optional(),
    subtree: hex32.optional(),
  })
  // Readers ignore fields added by newer writers (additive format changes).
  .loose();

export type TreeNode = z.infer<typeof treeNodeSchema>;

const treeSchema = z.object({ nodes: z.array(treeNodeSchema) }).loose();

/** Every data blob a node references: its content, then its image patches' blobs. */
export function dataBlobsOf(node: TreeNode): string[] {
  const content = node.content ?? [];
  return node.patches ? [...content, ...node.patches.map((p) => p[2])] : content;
}

/** Serialises a tree with its nodes sorted by name, so equal directories get equal blob ids. */
export function encodeTree(nodes: readonly TreeNode[]): Buffer {
  const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Buffer.from(JSON.stringify({ nodes: sorted }));
}

/** Parses a tree blob; malformed trees are `LB_REPO_PACK_CORRUPT` (trees live in packs). */
export function decodeTree(plain: Uint8Array, what: string): TreeNode[] {
  return parseJson(treeSchema, plain, "LB_REPO_PACK_CORRUPT", what).nodes;
}
