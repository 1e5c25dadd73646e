import { mapAwsError } from "./map-aws-error.js";

/** Runs one SDK call, mapping any failure to a LifeboatError. */
export async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw mapAwsError(error, operation);
  }
}

/** Drains an SDK paginator to the end and flattens the items each page holds. */
export async function collect<P, T>(
  operation: string,
  pages: AsyncIterable<P>,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  try {
    for await (const page of pages) all.push(...(items(page) ?? []));
  } catch (error) {
    throw mapAwsError(error, operation);
  }
  return all;
}

/** Splits `items` into chunks of at most `size` (for APIs that take a bounded id list). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Paginator settings for one service: the connection's page size clamped to what it allows. */
export function paging<C>(
  client: C,
  pageSize: number | undefined,
  min: number,
  max: number,
): { client: C; pageSize?: number } {
  return pageSize === undefined
    ? { client }
    : { client, pageSize: Math.min(max, Math.max(min, pageSize)) };
}
