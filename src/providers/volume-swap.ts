/**
 * Swapping a machine's data volume for another (what a failback does to carry the copy's data
 * back to the primary, docs/recovery.md "Failback"). One implementation talks to one region of
 * one connection. Nothing here deletes a volume: the volume taken off stays, tagged, for the
 * operator.
 *
 * Semantics every implementation keeps:
 * - `attachedAt` answers what is attached at a device now; a machine that does not exist (or
 *   is terminated) is `{ machine: "absent" }`, never an error.
 * - `detach` waits until the volume is free (`available`); already detached is success.
 * - Errors are LifeboatErrors (`LB_PROVIDER_*`); nothing of the SDK escapes.
 */
export interface VolumeSwap {
  attachedAt(
    machineId: string,
    device: string,
  ): Promise<{ readonly machine: "absent" } | { readonly machine: "present"; volumeId?: string }>;
  /** The volume carrying tag `key` = `value`, if one exists (not deleted). */
  volumeTagged(key: string, value: string): Promise<string | undefined>;
  tagVolume(volumeId: string, tags: Readonly<Record<string, string>>): Promise<void>;
  detach(volumeId: string, machineId: string, device: string): Promise<void>;
}
