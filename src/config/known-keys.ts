import type { z } from "zod";

interface AnyDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

const defOf = (schema: z.ZodType): AnyDef => schema._zod.def as unknown as AnyDef;

/** Follows wrappers (optional, default, pipe…) down to the schema that does the checking. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = defOf(current);
    const next = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!next) return current;
    current = next;
  }
  return current;
}

/**
 * The keys an object schema accepts at `path` inside `schema`, or [] when the path does not lead
 * to an object. Used to suggest the key a typo meant.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (!current) return [];
    const def = defOf(current);
    let next: z.ZodType | undefined;
    if (def.type === "object") next = def.shape?.[String(segment)];
    else if (def.type === "record") next = def.valueType;
    else if (def.type === "array") next = def.element;
    current = next ? unwrap(next) : undefined;
  }
  const def = current ? defOf(current) : undefined;
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}
