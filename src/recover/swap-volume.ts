import type { BlockSnapshotStore } from "../providers/block-snapshots.js";
import type { VolumeSwap } from "../providers/volume-swap.js";

/** The tag a volume taken off a machine by a failback carries: the volume put in its place. */
export const replacedByTag = "lifeboat:replaced-by";

export interface SwapRequest {
  readonly machine: string | null;
  readonly device: string | null;
  readonly runId: string;
  readonly at: Date;
}

export interface SwapResult {
  readonly [key: string]: string | boolean | null;
  /** True when `volumeId` is attached at the device now. */
  readonly attached: boolean;
  readonly machine: string | null;
  readonly device: string | null;
  /** The volume that was at the device before: detached, kept, tagged. */
  readonly previousVolume: string | null;
  /** Why the volume was left unattached, when it was. */
  readonly note: string | null;
}

/**
 * Puts `volumeId` at `device` of `machine` in place of what is there. Order, so a crash at any
 * point is completed by running it again: tag the old volume (`lifeboat:replaced-by` = the new
 * one, the run, the time) → detach it (wait until free) → attach the new one. A rerun finds the
 * new volume attached (done), or the old one by its tag. The old volume is never deleted. A
 * machine that no longer exists, or a volume that was not attached in the inventory, leaves the
 * new volume unattached with a note.
 */
export async function swapVolume(
  swap: VolumeSwap,
  store: BlockSnapshotStore,
  volumeId: string,
  request: SwapRequest,
): Promise<SwapResult> {
  const { machine, device } = request;
  const unattached = (note: string, previousVolume: string | null = null): SwapResult => ({
    attached: false,
    machine,
    device,
    previousVolume,
    note,
  });
  if (machine === null || device === null) {
    return unattached("the volume was not attached to a machine when captured");
  }
  const now = await swap.attachedAt(machine, device);
  if (now.machine === "absent") {
    return unattached(`machine ${machine} no longer exists: attach ${volumeId} yourself`);
  }
  const tagged = await swap.volumeTagged(replacedByTag, volumeId);
  if (now.volumeId === volumeId) {
    return { attached: true, machine, device, previousVolume: tagged ?? null, note: null };
  }
  const previous = now.volumeId ?? tagged ?? null;
  if (now.volumeId !== undefined) {
    await swap.tagVolume(now.volumeId, {
      [replacedByTag]: volumeId,
      "lifeboat:replaced-by-run": request.runId,
      "lifeboat:replaced-at": request.at.toISOString(),
    });
    await swap.detach(now.volumeId, machine, device);
  }
  await store.attachVolume(volumeId, machine, device);
  return { attached: true, machine, device, previousVolume: previous, note: null };
}
