import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  type TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { isLifeboatError } from "../../../model/errors.js";
import { elbName, runTag, send } from "./apply-env.js";

/** ELBv2 look-ups shared by the load balancer, target group and listener appliers. */

export async function findLoadBalancer(
  elbv2: ElasticLoadBalancingV2Client,
  name: string,
): Promise<LoadBalancer | undefined> {
  try {
    const found = await send("elbv2.DescribeLoadBalancers", () =>
      elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] })),
    );
    return found.LoadBalancers?.[0];
  } catch (error) {
    if (isLifeboatError(error, "LB_PROVIDER_NOT_FOUND")) return undefined;
    throw error;
  }
}

export async function findTargetGroup(
  elbv2: ElasticLoadBalancingV2Client,
  name: string,
): Promise<TargetGroup | undefined> {
  if (name === "") return undefined;
  try {
    const found = await send("elbv2.DescribeTargetGroups", () =>
      elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] })),
    );
    return found.TargetGroups?.[0];
  } catch (error) {
    if (isLifeboatError(error, "LB_PROVIDER_NOT_FOUND")) return undefined;
    throw error;
  }
}

export async function tagsOf(elbv2: ElasticLoadBalancingV2Client, arn: string) {
  const found = await send("elbv2.DescribeTags", () =>
    elbv2.send(new DescribeTagsCommand({ ResourceArns: [arn] })),
  );
  return found.TagDescriptions?.[0]?.Tags ?? [];
}

export function hasRun(tags: { Key?: string; Value?: string }[], runId: string): boolean {
  return tags.some((t) => t.Key === runTag && t.Value === runId);
}

/** The load balancer named by the step's (unbound) spec, when this run made it. */
export async function ownedByName(
  elbv2: ElasticLoadBalancingV2Client,
  step: { input: unknown },
  ctx: { runId: string },
): Promise<string | undefined> {
  const name = elbName(String((step.input as { name?: string } | null)?.name ?? ""));
  const lb = name === "" ? undefined : await findLoadBalancer(elbv2, name);
  if (!lb?.LoadBalancerArn) return undefined;
  return hasRun(await tagsOf(elbv2, lb.LoadBalancerArn), ctx.runId)
    ? lb.LoadBalancerArn
    : undefined;
}
