/**
 * The objects a workflow step acts on. A step's `target` selects one or more of them; plug-ins
 * receive them normalised to {@link WorkflowTarget}, a union discriminated by `kind`, so a
 * plug-in's `appliesTo` can narrow the type it then works with.
 */
import { z } from "zod";

const text = z.string().min(1, "must not be empty");

/** Exactly one of `keys` must be set on the object. */
function exactlyOne(keys: readonly string[]) {
  return (value: object, ctx: z.core.$RefinementCtx<object>) => {
    const present = keys.filter((key) => (value as Record<string, unknown>)[key] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({ code: "custom", message: `needs exactly one of ${keys.join(", ")}` });
    }
  };
}

const machineSchema = z.strictObject({
  /** Host name or address for SSH. */
  host: text.optional(),
  user: text.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  /** Cloud instance id (for `aws-ssm-run`). */
  instanceId: text.optional(),
});

const volumeSchema = z
  .strictObject({
    /** An image file to back up as one item of a consistency group. */
    path: text.optional(),
    /** A block device (`/dev/xvdf`). */
    device: text.optional(),
    /** A mounted file system (for `fsfreeze`). */
    mountpoint: text.optional(),
  })
  .superRefine(exactlyOne(["path", "device", "mountpoint"]));

const databaseSchema = z
  .strictObject({
    engine: z.literal("postgres").default("postgres"),
    /** Connection URL; prefer `urlEnv`, because a literal URL is stored with the run. */
    url: text.optional(),
    /** The environment variable holding the connection URL. */
    urlEnv: text.optional(),
    /** Tables to hold writers back on (default: every table outside the system schemas). */
    tables: z.array(text).min(1).optional(),
  })
  .superRefine(exactlyOne(["url", "urlEnv"]));

/** What a step's `target` may say: one key per object kind. */
export const workflowTargetSelectorSchema = z
  .strictObject({
    local: z.literal(true).optional(),
    machine: machineSchema.optional(),
    volume: volumeSchema.optional(),
    database: databaseSchema.optional(),
  })
  .superRefine(exactlyOne(["local", "machine", "volume", "database"]));

export type WorkflowTargetSelector = z.infer<typeof workflowTargetSelectorSchema>;

export interface LocalTarget {
  readonly kind: "local";
}
export interface MachineTarget extends z.infer<typeof machineSchema> {
  readonly kind: "machine";
}
export interface VolumeTarget extends z.infer<typeof volumeSchema> {
  readonly kind: "volume";
}
export interface DatabaseTarget extends z.infer<typeof databaseSchema> {
  readonly kind: "database";
}

/** One object a step acts on. */
export type WorkflowTarget = LocalTarget | MachineTarget | VolumeTarget | DatabaseTarget;

/** The objects a step's `target` selects, in written order (none written: the local host). */
export function normaliseTargets(
  target: WorkflowTargetSelector | readonly WorkflowTargetSelector[] | undefined,
): WorkflowTarget[] {
  if (target === undefined) return [{ kind: "local" }];
  const selectors: readonly WorkflowTargetSelector[] = Array.isArray(target) ? target : [target];
  return selectors.map((selector): WorkflowTarget => {
    if (selector.machine) return { kind: "machine", ...selector.machine };
    if (selector.volume) return { kind: "volume", ...selector.volume };
    if (selector.database) return { kind: "database", ...selector.database };
    return { kind: "local" };
  });
}

/** A short human name for a target, for messages and progress lines (never a URL: secrets). */
export function describeTarget(target: WorkflowTarget): string {
  switch (target.kind) {
    case "local":
      return "local host";
    case "machine":
      return `machine ${target.instanceId ?? `${target.user ? `${target.user}@` : ""}${target.host ?? "?"}`}`;
    case "volume":
      return `volume ${target.path ?? target.device ?? target.mountpoint}`;
    case "database":
      return `database ${target.urlEnv ? `$${target.urlEnv}` : "(url)"}`;
  }
}
