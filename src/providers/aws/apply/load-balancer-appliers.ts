import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  ModifyLoadBalancerAttributesCommand,
  type LoadBalancerSchemeEnum,
  type LoadBalancerTypeEnum,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  claim,
  deleting,
  elbName,
  ownTags,
  required,
  send,
  tagList,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";
import { findLoadBalancer, ownedByName, tagsOf } from "./elb-lookups.js";
import { pollUntil } from "./poll-until.js";

/**
 * Load balancers are unique by name in a region, so find-or-create looks the name up and
 * adopts it when it carries this run's tag (another run's → a conflict, not retried).
 */
export const loadBalancerAppliers: ApplierTable = {
  "create:load-balancer": {
    async execute(step, ctx, { clients: { elbv2 } }) {
      const spec = ctx.input as TargetSpec<{
        type: string;
        scheme: string;
        ipAddressType: string;
        subnets: string[];
        groups: string[];
        attributes: Record<string, string>;
      }>;
      const name = elbName(spec.name);
      const p = spec.properties;
      let lb = await findLoadBalancer(elbv2, name);
      const existed = lb !== undefined;
      if (lb?.LoadBalancerArn)
        claim(await tagsOf(elbv2, lb.LoadBalancerArn), ctx, `load balancer ${name}`);
      lb ??= required(
        (
          await send("elbv2.CreateLoadBalancer", () =>
            elbv2.send(
              new CreateLoadBalancerCommand({
                Name: name,
                Type: p.type as LoadBalancerTypeEnum,
                Scheme: p.scheme as LoadBalancerSchemeEnum,
                Subnets: p.subnets,
                ...(p.type === "application" ? { SecurityGroups: p.groups } : {}),
                Tags: tagList(ownTags(ctx, resourceOf(step), spec)),
              }),
            ),
          )
        ).LoadBalancers?.[0],
        "load balancer in the answer",
      );
      const arn = required(lb.LoadBalancerArn, "LoadBalancerArn");
      const attributes = Object.entries(p.attributes)
        .filter(([, value]) => value !== "")
        .map(([Key, Value]) => ({ Key, Value }));
      if (attributes.length > 0) {
        await send("elbv2.ModifyLoadBalancerAttributes", () =>
          elbv2.send(
            new ModifyLoadBalancerAttributesCommand({
              LoadBalancerArn: arn,
              Attributes: attributes,
            }),
          ),
        );
      }
      const outputs = {
        id: arn,
        name,
        dnsName: lb.DNSName ?? null,
        hostedZoneId: lb.CanonicalHostedZoneId ?? null,
      };
      return existed ? adopted(outputs) : created(outputs);
    },
    async undo(step, outputs, ctx, { clients: { elbv2 } }) {
      const arn = outputId(outputs) ?? (await ownedByName(elbv2, step, ctx));
      if (arn === undefined) return "absent";
      return deleting("elbv2.DeleteLoadBalancer", () =>
        elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })),
      );
    },
  },

  "wait:load-balancer": {
    async execute(step, ctx, { clients: { elbv2 } }) {
      const arn = required((ctx.input as { resource?: string }).resource, "resource");
      await pollUntil(step, ctx, `load balancer ${arn} active`, async () => {
        const found = await send("elbv2.DescribeLoadBalancers", () =>
          elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] })),
        );
        const state = found.LoadBalancers?.[0]?.State?.Code;
        if (state === "active") return "done";
        return state === "provisioning" ? "pending" : { failed: state ?? "missing" };
      });
      return { outputs: { id: arn, state: "active" } };
    },
  },
};
