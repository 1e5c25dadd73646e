import type { Action } from "@aws-sdk/client-elastic-load-balancing-v2";
import { canonicalSet, ref, type PropertiesOf } from "../../model/inventory/index.js";
import type { DiscoveredResource } from "../provider.js";
import {
  defined,
  jsonRecord,
  loadBalancerName,
  refs,
  targetGroupRef,
  targetGroupName,
} from "./aws-ids.js";
import { nameOf, userTags } from "./aws-tags.js";
import type { BalancingRaw } from "./fetch-services.js";

type ActionProps = PropertiesOf<"listener">["defaultActions"][number];

export function normaliseBalancing(
  raw: BalancingRaw,
  region: string,
  managedMachines: ReadonlyMap<string, string>,
): DiscoveredResource[] {
  const out: DiscoveredResource[] = [];
  const location = { region };
  const lbNames = new Map<string, string>();
  for (const lb of raw.loadBalancers) {
    const arn = lb.LoadBalancerArn ?? "";
    const name = lb.LoadBalancerName ?? loadBalancerName(arn);
    lbNames.set(arn, name);
    const tags = raw.tags.get(arn);
    out.push({
      facts: {},
      resource: {
        id: `load-balancer:${name}`,
        kind: "load-balancer",
        providerId: arn,
        name: nameOf(tags, name),
        location,
        tags: userTags(tags),
        properties: {
          type: lb.Type ?? "application",
          scheme: lb.Scheme ?? "internet-facing",
          ipAddressType: lb.IpAddressType ?? "ipv4",
          subnets: refs(
            "subnet",
            (lb.AvailabilityZones ?? []).map((z) => z.SubnetId),
          ),
          groups: refs("security-group", lb.SecurityGroups ?? []),
          attributes: raw.attributes.get(arn) ?? {},
        },
      },
    });
  }
  for (const listener of raw.listeners) {
    const arn = listener.ListenerArn ?? "";
    const lbArn = listener.LoadBalancerArn ?? "";
    const lbName = lbNames.get(lbArn) ?? loadBalancerName(lbArn);
    const key = `${lbName}:${listener.Port ?? arn}`;
    const rules = (raw.rules.get(arn) ?? [])
      .filter((r) => r.IsDefault !== true)
      .map((r) => ({
        priority: r.Priority ?? "",
        conditions: (r.Conditions ?? []).map((c) => jsonRecord(c)),
        actions: (r.Actions ?? []).map(action),
      }))
      .sort((a, b) => Number(a.priority) - Number(b.priority));
    out.push({
      facts: {},
      resource: {
        id: `listener:${key}`,
        kind: "listener",
        providerId: arn,
        name: nameOf(raw.tags.get(arn), key),
        location,
        tags: userTags(raw.tags.get(arn)),
        properties: defined({
          loadBalancer: ref("load-balancer", lbName),
          port: listener.Port,
          protocol: listener.Protocol,
          sslPolicy: listener.SslPolicy,
          certificates: refs(
            "certificate",
            (listener.Certificates ?? []).map((c) => c.CertificateArn),
          ),
          defaultActions: (listener.DefaultActions ?? []).map(action),
          rules,
        }),
      },
    });
  }
  for (const tg of raw.targetGroups) {
    const arn = tg.TargetGroupArn ?? "";
    const name = tg.TargetGroupName ?? targetGroupName(arn);
    const tags = raw.tags.get(arn);
    const targets = (raw.targets.get(arn) ?? [])
      .filter((t) => t.TargetHealth?.State !== "draining")
      .filter((t) => !(tg.TargetType === "instance" && managedMachines.has(t.Target?.Id ?? "")))
      .map((t) =>
        defined({
          target:
            tg.TargetType === "instance"
              ? ref("machine", t.Target?.Id ?? "")
              : (t.Target?.Id ?? ""),
          port: t.Target?.Port,
          zone: t.Target?.AvailabilityZone,
        }),
      );
    out.push({
      facts: {},
      resource: {
        id: `target-group:${name}`,
        kind: "target-group",
        providerId: arn,
        name: nameOf(tags, name),
        location,
        tags: userTags(tags),
        properties: defined({
          network: tg.VpcId ? ref("network", tg.VpcId) : undefined,
          targetType: tg.TargetType ?? "instance",
          protocol: tg.Protocol,
          protocolVersion: tg.ProtocolVersion,
          port: tg.Port,
          healthCheck: jsonRecord({
            protocol: tg.HealthCheckProtocol,
            port: tg.HealthCheckPort,
            path: tg.HealthCheckPath,
            enabled: tg.HealthCheckEnabled,
            intervalSeconds: tg.HealthCheckIntervalSeconds,
            timeoutSeconds: tg.HealthCheckTimeoutSeconds,
            healthyThreshold: tg.HealthyThresholdCount,
            unhealthyThreshold: tg.UnhealthyThresholdCount,
            matcher: tg.Matcher,
          }),
          targets: canonicalSet(targets),
        }),
      },
    });
  }
  return out;
}

function action(a: Action): ActionProps {
  const forward = a.ForwardConfig?.TargetGroups?.length
    ? a.ForwardConfig.TargetGroups.map((t) => ({
        targetGroup: targetGroupRef(t.TargetGroupArn ?? ""),
        weight: t.Weight ?? 1,
      }))
    : a.TargetGroupArn
      ? [{ targetGroup: targetGroupRef(a.TargetGroupArn), weight: 1 }]
      : undefined;
  return defined({
    type: a.Type ?? "forward",
    order: a.Order,
    forward: forward ? canonicalSet(forward) : undefined,
    stickiness: a.ForwardConfig?.TargetGroupStickinessConfig
      ? jsonRecord(a.ForwardConfig.TargetGroupStickinessConfig)
      : undefined,
    redirect: a.RedirectConfig ? jsonRecord(a.RedirectConfig) : undefined,
    fixedResponse: a.FixedResponseConfig ? jsonRecord(a.FixedResponseConfig) : undefined,
  });
}
