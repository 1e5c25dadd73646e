import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { VolumeTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION, type PluginContext } from "../plugin-api.js";
import { runCommand, tail } from "./exec.js";
import {
  describeAddress,
  runOverSsh,
  shellQuote,
  sshHost,
  sshOptionsShape,
} from "./ssh-connection.js";

/** `fsfreeze` and `fsthaw` take the same parameters: where the mount points are. */
export const freezeParams = z.strictObject({
  /** The machine the mount points are on; absent: the Lifeboat host. */
  ssh: z
    .strictObject({
      host: sshHost,
      user: z.string().min(1).optional(),
      port: z.number().int().min(1).max(65535).optional(),
      ...sshOptionsShape,
    })
    .optional(),
  /** Run fsfreeze through `sudo -n` (over ssh, when the login user is not root). */
  sudo: z.boolean().default(false),
});
export type FreezeParams = z.infer<typeof freezeParams>;

export type MountedVolume = VolumeTarget & { readonly mountpoint: string };

/**
 * A volume given by an absolute mount point other than `/`: freezing the root file system
 * would stop Lifeboat itself (or the ssh login) before it could thaw it.
 */
export const isFreezable = (t: WorkflowTarget): t is MountedVolume =>
  t.kind === "volume" &&
  t.mountpoint !== undefined &&
  t.mountpoint.startsWith("/") &&
  t.mountpoint.replace(/\/+$/, "") !== "";

/**
 * Runs `fsfreeze -f` or `-u` on one mount point, locally or over ssh. Returns false when a thaw
 * found the file system not frozen (EINVAL), which makes thawing idempotent.
 */
export async function fsfreeze(
  ctx: PluginContext<FreezeParams>,
  mode: "freeze" | "thaw",
  mountpoint: string,
  signal: AbortSignal,
): Promise<boolean> {
  const argv = [
    ...(ctx.params.sudo ? ["sudo", "-n"] : []),
    "fsfreeze",
    mode === "freeze" ? "-f" : "-u",
    mountpoint,
  ];
  const remote = ctx.params.ssh;
  const result = remote
    ? await runOverSsh(remote, remote, argv.map(shellQuote).join(" "), signal)
    : await runCommand(argv, { signal, env: { LC_ALL: "C" } });
  if (result.exitCode === 0) return true;
  if (mode === "thaw" && /Invalid argument/.test(result.stderr)) return false;
  const where = remote ? ` on ${describeAddress(remote)}` : "";
  throw new LifeboatError(
    "LB_FSFREEZE_FAILED",
    `fsfreeze ${mode} of ${mountpoint}${where} failed (exit ${result.exitCode}): ${tail(result.stderr).trim()}`,
    {
      details: {
        mountpoint,
        mode,
        machine: remote ? describeAddress(remote) : null,
        exitCode: result.exitCode,
        stderr: tail(result.stderr),
      },
    },
  );
}

/** Thaws every target; returns what each thaw found. */
export async function thawAll(
  ctx: PluginContext<FreezeParams, MountedVolume>,
  signal: AbortSignal,
): Promise<{ mountpoint: string; how: "thawed" | "not-frozen" }[]> {
  const thawed: { mountpoint: string; how: "thawed" | "not-frozen" }[] = [];
  // Last frozen, first thawed; every target is tried even when one fails.
  let failure: unknown;
  for (const target of [...ctx.targets].reverse()) {
    try {
      const was = await fsfreeze(ctx, "thaw", target.mountpoint, signal);
      thawed.push({ mountpoint: target.mountpoint, how: was ? "thawed" : "not-frozen" });
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return thawed;
}

/**
 * `fsfreeze`: freezes the file systems mounted at the targets' mount points (Linux `fsfreeze
 * -f`): writes block until the thaw, so a snapshot of the block devices is consistent. Close
 * the pair with `fsthaw` (`undo:`); without a declared pair, the plug-in's own `undo` thaws
 * when the workflow stops early. A crash leaves the file systems frozen until `lifeboat
 * resume` runs the undo half; give the freeze a short window.
 */
export const fsfreezePlugin = definePlugin<FreezeParams, MountedVolume>({
  name: "lifeboat.action.fsfreeze",
  apiVersion: PLUGIN_API_VERSION,
  action: "fsfreeze",
  description: "Freeze mounted file systems (fsfreeze -f), locally or over ssh",
  configSchema: freezeParams,
  appliesTo: isFreezable,
  async execute(ctx) {
    const frozen: Record<string, unknown>[] = [];
    for (const target of ctx.targets) {
      await fsfreeze(ctx, "freeze", target.mountpoint, ctx.signal);
      const note = { mountpoint: target.mountpoint, frozenAt: ctx.clock.now().toISOString() };
      await ctx.journal("frozen", note);
      frozen.push(note);
    }
    return { machine: ctx.params.ssh ? describeAddress(ctx.params.ssh) : null, frozen };
  },
  async undo(ctx) {
    // A cancel must not stop the thaw: only the undo's own signal (a lost lease) does.
    await thawAll(ctx, ctx.signal);
  },
});
