import { LifeboatError } from "../model/errors.js";
import type { Repository } from "./repository.js";
import { BlobType } from "./pack/pack-entry.js";
import type { SnapshotKind, StoredSnapshot } from "./snapshot/snapshot.js";
import { decodeTree } from "./tree.js";

/** Pieces a document is cut into; dedup across versions happens per piece. */
const pieceSize = 1024 * 1024;

export interface SaveDocumentInput {
  /** The source name: the document's node name and the snapshot's `source`. */
  readonly name: string;
  readonly document: unknown;
  readonly kind?: SnapshotKind;
  readonly tags?: readonly string[];
  readonly parent?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly time?: Date;
}

/**
 * Stores a named JSON document (an inventory, a plan) as a snapshot of kind `inventory` by
 * default: the document's UTF-8 bytes in data blobs, under a one-node root tree. Resolves the
 * snapshot id. Programmatic API for later issues (capture, history).
 */
export async function saveDocument(repo: Repository, input: SaveDocumentInput): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(input.document));
  const session = await repo.startWrite(`save document ${input.name}`);
  try {
    const content: string[] = [];
    for (let at = 0; at < bytes.length || at === 0; at += pieceSize) {
      const { id } = await session.saveBlob(BlobType.data, bytes.subarray(at, at + pieceSize));
      content.push(id.toString("hex"));
      if (bytes.length === 0) break;
    }
    const root = await session.saveTree([
      { name: input.name, type: "file", size: bytes.length, content },
    ]);
    return await session.commit({
      kind: input.kind ?? "inventory",
      source: input.name,
      root,
      size: bytes.length,
      ...(input.tags === undefined ? {} : { tags: input.tags }),
      ...(input.parent === undefined ? {} : { parent: input.parent }),
      ...(input.fields === undefined ? {} : { fields: input.fields }),
      ...(input.time === undefined ? {} : { time: input.time }),
    });
  } catch (error) {
    await session.abort().catch(() => undefined);
    throw error;
  }
}

/** Loads the JSON document stored by {@link saveDocument}; every blob is verified. */
export async function loadDocument(
  repo: Repository,
  snapshot: StoredSnapshot | string,
): Promise<unknown> {
  const snap = typeof snapshot === "string" ? await repo.loadSnapshot(snapshot) : snapshot;
  const { index } = await repo.loadIndex();
  const read = async (hex: string) => {
    const id = Buffer.from(hex, "hex");
    const location = index.get(id);
    if (!location) {
      throw new LifeboatError(
        "LB_REPO_OBJECT_MISSING",
        `blob ${hex} of snapshot ${snap.id} is not in the index`,
        {
          details: { blob: hex, snapshot: snap.id },
        },
      );
    }
    return repo.readBlob(id, location);
  };
  const nodes = decodeTree(await read(snap.root), `tree ${snap.root}`);
  const node = nodes.find((n) => n.name === snap.source) ?? nodes[0];
  if (!node || node.type !== "file") {
    throw new LifeboatError("LB_INVALID_INPUT", `snapshot ${snap.id} does not hold a document`);
  }
  const pieces = await Promise.all((node.content ?? []).map(read));
  const text = Buffer.concat(pieces).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LifeboatError(
      "LB_REPO_PACK_CORRUPT",
      `snapshot ${snap.id} holds a document that is not JSON`,
      {
        cause: error,
        details: { snapshot: snap.id },
      },
    );
  }
}
