import type { BlobReader } from "../../repository/restorer/blob-reader.js";
import type { StoredSnapshot } from "../../repository/snapshot/snapshot.js";
import { LifeboatError } from "../../model/errors.js";

/**
 * The bytes of a single-node (stream or file) snapshot in order, every blob verified, with
 * `ahead` blobs loading while the consumer writes the previous ones: memory stays at
 * `ahead` chunks whatever the snapshot's size.
 */
export async function* snapshotBytes(
  reader: BlobReader,
  snapshot: StoredSnapshot,
  ahead = 4,
): AsyncGenerator<Uint8Array> {
  const [node] = await reader.tree(snapshot.root);
  if (node === undefined || node.type !== "file") {
    throw new LifeboatError("LB_INVALID_INPUT", `snapshot ${snapshot.id} does not hold one file`);
  }
  if (node.patches !== undefined) {
    // Patches are not in the content stream: such a node is an image, not a stream.
    throw new LifeboatError(
      "LB_INVALID_INPUT",
      `snapshot ${snapshot.id} is an image, not a stream`,
    );
  }
  const ids = node.content ?? [];
  const pending: Promise<Uint8Array>[] = [];
  let next = 0;
  const fill = () => {
    while (pending.length < ahead && next < ids.length) {
      const loading = reader.blob(ids[next++]!);
      loading.catch(() => undefined); // awaited in order below; avoid an unhandled rejection
      pending.push(loading);
    }
  };
  fill();
  while (pending.length > 0) {
    const data = await pending.shift()!;
    fill();
    yield data;
  }
}
