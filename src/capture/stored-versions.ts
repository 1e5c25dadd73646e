import { LifeboatError } from "../model/errors.js";
import {
  diffInventories,
  inventoryDigest,
  inventorySchema,
  type Inventory,
  type InventoryDiff,
} from "../model/inventory/index.js";
import type { InventoryArchive, InventoryVersion, VersionIndex } from "./version-ports.js";

/** Names one version: its number, the one in effect at a time, or the latest. */
export type VersionRef =
  { readonly version: number } | { readonly at: Date } | { readonly latest: true };

/**
 * Parses a version as the CLI takes it: a positive integer is a version number, `latest` the
 * newest, anything else an ISO-8601 time (`2026-11-22T01:00:00Z`). `LB_USAGE` otherwise.
 */
export function parseVersionRef(text: string, what = "version"): VersionRef {
  if (/^\d+$/.test(text)) {
    const version = Number(text);
    if (version >= 1 && Number.isSafeInteger(version)) return { version };
  } else if (text === "latest") {
    return { latest: true };
  } else if (/\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return { at };
  }
  throw new LifeboatError("LB_USAGE", `${what} "${text}" is neither a version number nor a time`, {
    remedy:
      "Give a version number (1, 2, …), `latest`, or an ISO-8601 time such as 2026-11-22T01:00:00Z.",
    details: { value: text },
  });
}

function notFound(environment: string, message: string, ref: unknown): LifeboatError {
  return new LifeboatError("LB_VERSION_NOT_FOUND", `${environment}: ${message}`, {
    details: { environment, ref },
  });
}

/**
 * The version a ref names. `{ at }` is the version in effect then: the newest capture of the
 * primary (labelled versions skipped) at or before that time. Missing → `LB_VERSION_NOT_FOUND` (exit 3).
 */
export async function resolveVersion(
  index: VersionIndex,
  environment: string,
  ref: VersionRef,
): Promise<InventoryVersion> {
  if ("version" in ref) {
    const found = await index.get(environment, ref.version);
    if (found) return found;
    throw notFound(environment, `no inventory version ${ref.version}`, ref.version);
  }
  if ("at" in ref) {
    const versions = await index.list(environment);
    const found = versions.find(
      (v) => v.label === undefined && v.capturedAt.getTime() <= ref.at.getTime(),
    );
    if (found) return found;
    throw notFound(environment, `no inventory version at ${ref.at.toISOString()}`, ref.at);
  }
  const latest = await index.latest(environment);
  if (latest) return latest;
  throw notFound(environment, "has never been captured (run `lifeboat capture`)", "latest");
}

/** A version with its inventory, read back from the archive and verified. */
export interface LoadedVersion {
  readonly version: InventoryVersion;
  readonly inventory: Inventory;
}

/**
 * Loads a version's inventory. What comes back is validated against the inventory schema and
 * its digest against the index, so a damaged or swapped document is an integrity error
 * (`LB_REPO_OBJECT_CORRUPT`, exit 4), never a silently wrong answer.
 */
export async function loadVersion(
  deps: { readonly archive: InventoryArchive; readonly index: VersionIndex },
  environment: string,
  ref: VersionRef,
): Promise<LoadedVersion> {
  const version = await resolveVersion(deps.index, environment, ref);
  const document = await deps.archive.load(version.snapshotId);
  const parsed = inventorySchema.safeParse(document);
  const corrupt = (why: string) =>
    new LifeboatError(
      "LB_REPO_OBJECT_CORRUPT",
      `${environment} version ${version.version}: snapshot ${version.snapshotId} ${why}`,
      {
        details: { environment, version: version.version, snapshot: version.snapshotId },
        remedy: "Run `lifeboat repo check --read-data`, then capture again.",
      },
    );
  if (!parsed.success) throw corrupt("does not hold a valid inventory");
  if (inventoryDigest(parsed.data) !== version.digest) {
    throw corrupt(`does not match the indexed digest ${version.digest}`);
  }
  return { version, inventory: parsed.data };
}

export interface VersionDiff {
  readonly from: InventoryVersion;
  readonly to: InventoryVersion;
  readonly diff: InventoryDiff;
}

/**
 * What changed between two versions. `to` defaults to the latest, `from` to the version just
 * before `to`; with a single version and no `from` there is nothing to compare
 * (`LB_VERSION_NOT_FOUND`).
 */
export async function diffVersions(
  deps: { readonly archive: InventoryArchive; readonly index: VersionIndex },
  environment: string,
  refs: { readonly from?: VersionRef; readonly to?: VersionRef } = {},
): Promise<VersionDiff> {
  const to = await resolveVersion(deps.index, environment, refs.to ?? { latest: true });
  if (refs.from === undefined && to.version === 1) {
    throw notFound(environment, "version 1 has no previous version to compare with", 0);
  }
  const fromRef = refs.from ?? { version: to.version - 1 };
  const [before, after] = await Promise.all([
    loadVersion(deps, environment, fromRef),
    loadVersion(deps, environment, { version: to.version }),
  ]);
  return {
    from: before.version,
    to: after.version,
    diff: diffInventories(before.inventory, after.inventory),
  };
}
