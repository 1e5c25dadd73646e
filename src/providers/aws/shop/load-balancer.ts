import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ShopLoadBalancer, ShopNetwork, ShopOptions, ShopSecurity } from "./shop-types.js";
import { required, shopTags } from "./tags.js";

/** Internet-facing ALB in the public subnets; HTTP :80 forwards to the web target group :8080. */
export async function buildLoadBalancer(
  elbv2: ElasticLoadBalancingV2Client,
  options: ShopOptions,
  network: ShopNetwork,
  security: ShopSecurity,
): Promise<ShopLoadBalancer> {
  const name = `${options.name}-alb`;
  const targetGroupName = `${options.name}-web`;
  const [created, group] = await Promise.all([
    elbv2.send(
      new CreateLoadBalancerCommand({
        Name: name,
        Type: "application",
        Scheme: "internet-facing",
        IpAddressType: "ipv4",
        Subnets: network.publicSubnets.map((subnet) => subnet.subnetId),
        SecurityGroups: [security.loadBalancerGroupId],
        Tags: shopTags(options.name, "alb"),
      }),
    ),
    elbv2.send(
      new CreateTargetGroupCommand({
        Name: targetGroupName,
        Protocol: "HTTP",
        Port: 8080,
        VpcId: network.vpcId,
        TargetType: "instance",
        HealthCheckProtocol: "HTTP",
        HealthCheckPath: "/health",
        Tags: shopTags(options.name, "web-tg"),
      }),
    ),
  ]);
  const balancer = required(created.LoadBalancers?.[0], "LoadBalancers[0]");
  const arn = required(balancer.LoadBalancerArn, "LoadBalancerArn");
  const targetGroupArn = required(group.TargetGroups?.[0]?.TargetGroupArn, "TargetGroupArn");
  const { Listeners } = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: arn,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
      Tags: shopTags(options.name, "http-listener"),
    }),
  );
  return {
    name,
    arn,
    dnsName: required(balancer.DNSName, "DNSName"),
    canonicalHostedZoneId: required(balancer.CanonicalHostedZoneId, "CanonicalHostedZoneId"),
    targetGroupName,
    targetGroupArn,
    listenerArn: required(Listeners?.[0]?.ListenerArn, "ListenerArn"),
  };
}
