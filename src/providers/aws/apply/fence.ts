import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { StepResult, UndoResult } from "../../../execute/step-handler.js";
import { isLifeboatError } from "../../../model/errors.js";
import type { FenceInput } from "../../../model/plan/failover-steps.js";
import type { JsonObject } from "../../../store/codec.js";
import type { AwsClients } from "../aws-connection.js";
import { send } from "./apply-env.js";

/**
 * Fences one side so that it cannot write while the other serves (no split brain): every
 * scaling group to min 0 / desired 0 (max kept, so a release needs no other record), then
 * every listed instance stopped. Idempotent: what is already at 0 or stopped is left alone.
 *
 * If the side's API does not answer (`LB_PROVIDER_UNREACHABLE`, which is why one fails over)
 * the step still succeeds with `reachable: false` and the reason: a region that is down cannot
 * be fenced now, and that must not hold the failover back. The run's report shows it, and the
 * operator fences later (a resume or a failback fences again).
 *
 * Outputs `{ reachable, detail?, scalingGroups: [{ name, found, fenced }], instances:
 * { stopped, alreadyStopped, missing } }`.
 */
export async function fence(clients: AwsClients, input: FenceInput): Promise<StepResult> {
  try {
    return { outputs: await fenceReachable(clients, input) };
  } catch (error) {
    if (
      !isLifeboatError(error, "LB_PROVIDER_UNREACHABLE") &&
      !isLifeboatError(error, "LB_TIMEOUT")
    ) {
      throw error;
    }
    return {
      outputs: { reachable: false, detail: error.message, scalingGroups: [], instances: {} },
    };
  }
}

async function fenceReachable(clients: AwsClients, input: FenceInput): Promise<JsonObject> {
  const names = input.scalingGroups.map((g) => g.name);
  const groups =
    names.length === 0
      ? []
      : ((
          await send("autoscaling.DescribeAutoScalingGroups", () =>
            clients.autoscaling.send(
              new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }),
            ),
          )
        ).AutoScalingGroups ?? []);
  const fencedGroups: JsonObject[] = [];
  for (const name of names) {
    const group = groups.find((g) => g.AutoScalingGroupName === name);
    const needed = !!group && ((group.MinSize ?? 0) > 0 || (group.DesiredCapacity ?? 0) > 0);
    if (needed) {
      await send("autoscaling.UpdateAutoScalingGroup", () =>
        clients.autoscaling.send(
          new UpdateAutoScalingGroupCommand({
            AutoScalingGroupName: name,
            MinSize: 0,
            DesiredCapacity: 0,
          }),
        ),
      );
    }
    fencedGroups.push({ name, found: !!group, fenced: needed });
  }
  const states = await instanceStates(clients, input.instances);
  const running = input.instances.filter((id) =>
    ["running", "pending"].includes(states.get(id) ?? ""),
  );
  if (running.length > 0) {
    await send("ec2.StopInstances", () =>
      clients.ec2.send(new StopInstancesCommand({ InstanceIds: running })),
    );
  }
  return {
    reachable: true,
    scalingGroups: fencedGroups,
    instances: {
      stopped: running,
      alreadyStopped: input.instances.filter((id) => states.has(id) && !running.includes(id)),
      missing: input.instances.filter((id) => !states.has(id)),
    },
  };
}

/**
 * Releases the fence: scaling groups back to the sizes in the step's input (as captured) and
 * the instances this step stopped started again. Used by a teardown of the run that fenced
 * (which gives the primary back); a failback fences the other side with its own step.
 */
export async function releaseFence(
  clients: AwsClients,
  input: FenceInput,
  outputs: JsonObject | null,
): Promise<UndoResult> {
  if (outputs?.reachable === false) return "absent";
  let changed = false;
  for (const group of input.scalingGroups) {
    const found = (outputs?.scalingGroups as { name: string; fenced: boolean }[] | undefined)?.find(
      (g) => g.name === group.name,
    );
    if (outputs && !found?.fenced) continue;
    await send("autoscaling.UpdateAutoScalingGroup", () =>
      clients.autoscaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: group.name,
          MinSize: group.minSize,
          MaxSize: group.maxSize,
          DesiredCapacity: group.desiredCapacity,
        }),
      ),
    );
    changed = true;
  }
  const stopped = outputs
    ? ((outputs.instances as { stopped?: string[] } | undefined)?.stopped ?? [])
    : input.instances;
  const states = await instanceStates(clients, stopped);
  const start = stopped.filter((id) => ["stopped", "stopping"].includes(states.get(id) ?? ""));
  if (start.length > 0) {
    await send("ec2.StartInstances", () =>
      clients.ec2.send(new StartInstancesCommand({ InstanceIds: start })),
    );
    changed = true;
  }
  return changed ? "deleted" : "absent";
}

/** Instance id → state name, for those of `ids` that exist (a filter: unknown ids are no error). */
async function instanceStates(clients: AwsClients, ids: readonly string[]) {
  const states = new Map<string, string>();
  if (ids.length === 0) return states;
  const found = await send("ec2.DescribeInstances", () =>
    clients.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: [...ids] }] }),
    ),
  );
  for (const reservation of found.Reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      if (instance.InstanceId && instance.State?.Name !== "terminated") {
        states.set(instance.InstanceId, instance.State?.Name ?? "unknown");
      }
    }
  }
  return states;
}
