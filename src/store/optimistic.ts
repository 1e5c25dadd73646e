import { LifeboatError } from "../model/errors.js";

/**
 * Finishes an optimistic update (`UPDATE … SET revision = revision + 1 WHERE … AND revision =
 * expected RETURNING *`). When no row came back, tells a missing record (`notFound`) from a
 * stale revision (`LB_STORE_CONFLICT`, retryable: re-read and apply the change again).
 */
export async function afterOptimisticUpdate<Row>(
  updated: Row | undefined,
  expectedRevision: number,
  currentRevision: () => Promise<number | undefined>,
  notFound: () => LifeboatError,
  what: Readonly<Record<string, string>>,
): Promise<Row> {
  if (updated !== undefined) return updated;
  const actual = await currentRevision();
  if (actual === undefined) throw notFound();
  throw new LifeboatError(
    "LB_STORE_CONFLICT",
    `${Object.entries(what)
      .map(([k, v]) => `${k} ${v}`)
      .join(" ")} changed concurrently (expected revision ${expectedRevision}, found ${actual})`,
    { details: { ...what, expectedRevision, actualRevision: actual } },
  );
}
