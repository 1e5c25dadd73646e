import { z } from "zod";
import { LifeboatError } from "./errors.js";

/**
 * How a recovery translates the source environment into the target: which provider connection,
 * zones, network blocks, private IPs, instance types, images, key pairs, names and tags.
 *
 * Validation is two-staged and both stages report every problem at once:
 * - {@link parseMapping} checks the object on its own (syntax, CIDR sizes, reserved tags);
 * - the planner's pre-flight checks it against the inventory and the target's facts (every
 *   source zone mapped, types offered, images present, no CIDR overlap).
 * Nothing is created before both pass.
 */

const nonEmpty = z.string().min(1, "must not be empty");

const notCidr = (text: unknown) =>
  `${JSON.stringify(text)} is not an IPv4 CIDR with host bits clear (use e.g. 10.0.0.0/16)`;

/** `copy`: copy the image into the target region; any other value is a target image id. */
export const imageCopy = "copy";

export const mappingSchema = z
  .strictObject({
    /** Name of the target provider connection (a key of `providers` in the config). */
    target: nonEmpty,
    /**
     * Source zone → target zone. Zones left out are mapped by index: the source's zones sorted,
     * onto the target's zones sorted (first to first, second to second, ...).
     */
    zones: z.record(z.string(), nonEmpty).default({}),
    /**
     * Source network CIDR → target CIDR. A renumbered network's subnets keep their offset and
     * size inside the new block, so the target block must be at least as large as the source's.
     */
    cidrs: z.record(z.string(), z.string()).default({}),
    /** Keep machines' private IPs. Always dropped inside a renumbered network. */
    keepPrivateIps: z.boolean().default(true),
    /** Instance type → ordered substitutes, used when the type is not offered in the zone. */
    instanceTypes: z
      .record(z.string(), z.array(nonEmpty).min(1, "must list at least one instance type"))
      .default({}),
    /**
     * `copy` copies every image of the environment into the target region. A map names target
     * images by source image id (or the value `copy` for one image); images it leaves out are
     * copied when they belong to the environment, otherwise looked up by name in the target.
     */
    images: z.union([z.literal(imageCopy), z.record(z.string(), nonEmpty)]).default(imageCopy),
    /** Source key pair name → target key pair name; unmapped names are used as they are. */
    keyPairs: z.record(z.string(), nonEmpty).default({}),
    /** Appended to every created resource's name (`-dr`), so names never collide in a region. */
    nameSuffix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{0,16}$/, "letters, digits, - and _, at most 16 characters")
      .default(""),
    /** Tags added to every created resource, on top of its own and Lifeboat's. */
    tags: z
      .record(z.string(), z.string())
      .default({})
      .refine((tags) => !Object.keys(tags).some((k) => k.startsWith("lifeboat:")), {
        message: "tags starting with lifeboat: are Lifeboat's own; choose another key",
      }),
  })
  // Runs even when other keys are wrong (`when`), so one pass reports every problem.
  .superRefine(checkCidrMap, { when: () => true });

/** Target blocks must be at least as large as their sources and must not overlap each other. */
function checkCidrMap(mapping: { cidrs?: unknown }, ctx: z.RefinementCtx): void {
  const entries =
    typeof mapping.cidrs === "object" && mapping.cidrs !== null
      ? Object.entries(mapping.cidrs)
      : [];
  const targets: { source: string; target: string; to: Cidr }[] = [];
  for (const [source, target] of entries) {
    const from = parseCidr(source);
    const to = typeof target === "string" ? parseCidr(target) : undefined;
    for (const [text, parsed] of [
      [source, from],
      [target, to],
    ] as const) {
      if (!parsed)
        ctx.addIssue({ code: "custom", path: ["cidrs", source], message: notCidr(text) });
    }
    if (!from || !to) continue;
    if (to.prefix > from.prefix) {
      ctx.addIssue({
        code: "custom",
        path: ["cidrs", source],
        message: `${String(target)} is smaller than ${source}; use a /${from.prefix} or larger block`,
      });
    }
    for (const other of targets) {
      if (cidrsOverlap(other.to, to)) {
        ctx.addIssue({
          code: "custom",
          path: ["cidrs", source],
          message: `${String(target)} overlaps ${other.target}, the target of ${other.source}`,
        });
      }
    }
    targets.push({ source, target: String(target), to });
  }
}

/** A validated mapping, defaults applied. */
export type Mapping = z.infer<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;

/** One thing wrong with an input: the key path (`cidrs.10.0.0.0/16`) and what to change. */
export interface MappingProblem {
  readonly path: string;
  readonly message: string;
}

export type MappingResult =
  | { readonly ok: true; readonly mapping: Mapping }
  | { readonly ok: false; readonly problems: readonly MappingProblem[] };

/** Validates a mapping (from config plus command-line overrides); every problem at once. */
export function parseMapping(input: unknown): MappingResult {
  const result = mappingSchema.safeParse(input);
  if (result.success) return { ok: true, mapping: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    })),
  };
}

/** {@link parseMapping}, throwing `LB_PLAN_MAPPING_INVALID` with every problem in `details`. */
export function parseMappingOrThrow(input: unknown): Mapping {
  const result = parseMapping(input);
  if (result.ok) return result.mapping;
  const list = result.problems.map((p) => `${p.path || "(mapping)"}: ${p.message}`).join("; ");
  throw new LifeboatError("LB_PLAN_MAPPING_INVALID", `recovery mapping: ${list}`, {
    details: { problems: result.problems },
  });
}

// IPv4 CIDR arithmetic for the mapping (and the planner): exact, on 32-bit integers.

export interface Cidr {
  /** The network address as an unsigned 32-bit integer (host bits cleared). */
  readonly base: number;
  readonly prefix: number;
}

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): number | undefined {
  const m = ipv4.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (`10.0.0.1/16`). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const base = parseIpv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (base === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  if (base % blockSize(prefix) !== 0) return undefined;
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix)
  );
}

/**
 * Moves `inner` (a subnet of `from`) to the same offset inside `to`. `to` must be at least as
 * large as `from`, so every subnet keeps its size and its place; undefined when it is not.
 */
export function renumber(inner: Cidr, from: Cidr, to: Cidr): Cidr | undefined {
  if (!cidrContains(from, inner) || to.prefix > from.prefix) return undefined;
  return { base: to.base + (inner.base - from.base), prefix: inner.prefix };
}
