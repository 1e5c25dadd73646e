import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { MachineTarget, WorkflowTarget } from "../../model/workflow-target.js";
import type { MachineAddresses } from "../machine-address-port.js";
import { definePlugin, PLUGIN_API_VERSION, type PluginContext } from "../plugin-api.js";
import { tail } from "./exec.js";
import {
  describeAddress,
  runOverSsh,
  shellQuote,
  sshHost,
  sshOptionsShape,
} from "./ssh-connection.js";

const params = z.strictObject({
  /** argv (each word quoted for the remote shell), or one string run by the remote `sh -c`. */
  command: z.union([z.array(z.string()).min(1), z.string().min(1)]),
  /** Exit statuses that count as success (255 is ssh's own failure and never does). */
  expectExit: z.array(z.number().int().min(0).max(254)).default([0]),
  ...sshOptionsShape,
});

type Params = z.infer<typeof params>;

const hasAddress = (t: WorkflowTarget): t is MachineTarget =>
  t.kind === "machine" &&
  (t.host !== undefined ? sshHost.safeParse(t.host).success : t.instanceId !== undefined);

/**
 * `ssh`: runs a command on each target machine in turn with the system OpenSSH client. The
 * address is the target's `host`, else the primary private address of the machine with that
 * `instanceId` in the environment's latest captured inventory. A status outside `expectExit` is
 * `LB_REMOTE_COMMAND_FAILED`; ssh's own failure is `LB_SSH_FAILED`; the step's timeout or a
 * cancel kills the client and the remote command with it. Not idempotent by itself: a resumed
 * step runs the command again, so make the command safe to repeat.
 */
export function sshPlugin(addresses: MachineAddresses) {
  return definePlugin<Params, MachineTarget>({
    name: "lifeboat.action.ssh",
    apiVersion: PLUGIN_API_VERSION,
    action: "ssh",
    description: "Run a command on a machine over SSH",
    configSchema: params,
    appliesTo: hasAddress,
    async execute(ctx) {
      const { command, expectExit } = ctx.params;
      const line = typeof command === "string" ? command : command.map(shellQuote).join(" ");
      const results: Record<string, unknown>[] = [];
      for (const target of ctx.targets) {
        const address = { ...target, host: await hostOf(addresses, ctx, target) };
        const machine = describeAddress(address);
        const result = await runOverSsh(address, ctx.params, line, ctx.signal);
        const outcome = {
          machine,
          exitCode: result.exitCode,
          stdout: tail(result.stdout),
          stderr: tail(result.stderr),
        };
        if (!expectExit.includes(result.exitCode)) {
          throw new LifeboatError(
            "LB_REMOTE_COMMAND_FAILED",
            `on ${machine}: command exited with ${result.exitCode}: ${tail(result.stderr).trim()}`,
            { details: outcome },
          );
        }
        await ctx.journal("ssh.ran", { machine, exitCode: result.exitCode });
        results.push(outcome);
      }
      return { results };
    },
  });
}

async function hostOf(
  addresses: MachineAddresses,
  ctx: PluginContext<Params, MachineTarget>,
  target: MachineTarget,
): Promise<string> {
  if (target.host !== undefined) return target.host;
  const instanceId = target.instanceId ?? "";
  const found = await addresses.addressOf({
    environment: ctx.environment,
    instanceId,
    signal: ctx.signal,
  });
  if (found !== null && sshHost.safeParse(found).success) return found;
  throw new LifeboatError(
    "LB_INVALID_INPUT",
    `machine ${instanceId} has no address in the latest inventory of ${ctx.environment}`,
    {
      details: { instanceId, environment: ctx.environment },
      remedy: "Run `lifeboat capture` for the environment, or give the target's `host`.",
    },
  );
}
