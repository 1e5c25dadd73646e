import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  type Change,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { ShopDatabase, ShopDns, ShopLoadBalancer, ShopOptions } from "./shop-types.js";
import { required, shopTags } from "./tags.js";

/** The public zone exists before its targets, so it is created early and filled in last. */
export async function createHostedZone(
  route53: Route53Client,
  options: ShopOptions,
): Promise<{ hostedZoneId: string; zoneName: string }> {
  const { HostedZone } = await route53.send(
    new CreateHostedZoneCommand({
      Name: options.domain,
      // Route53 refuses a repeated reference; name + region + time is unique per build.
      CallerReference: `${options.name}-${options.region}-${Date.now()}-${Math.random()}`,
      HostedZoneConfig: { Comment: `${options.name} public zone`, PrivateZone: false },
    }),
  );
  // Route53 answers with "/hostedzone/Z…"; the bare id is what other calls and ARNs use.
  const hostedZoneId = required(HostedZone?.Id, "HostedZone.Id").replace(/^\/hostedzone\//, "");
  await route53.send(
    new ChangeTagsForResourceCommand({
      ResourceType: "hostedzone",
      ResourceId: hostedZoneId,
      AddTags: shopTags(options.name, "zone"),
    }),
  );
  return { hostedZoneId, zoneName: options.domain.replace(/\.$/, "") };
}

/** Alias A to the load balancer, CNAME to the database, plus optional filler CNAMEs. */
export async function addRecords(
  route53: Route53Client,
  options: ShopOptions,
  zone: { hostedZoneId: string; zoneName: string },
  loadBalancer: ShopLoadBalancer,
  database: ShopDatabase,
): Promise<ShopDns> {
  const shopRecordName = zone.zoneName;
  const databaseRecordName = `db.${zone.zoneName}`;
  const extraRecordNames = Array.from(
    { length: options.extraRecords },
    (_, i) => `www${i + 1}.${zone.zoneName}`,
  );
  const cname = (name: string, value: string): Change => ({
    Action: "CREATE",
    ResourceRecordSet: { Name: name, Type: "CNAME", TTL: 300, ResourceRecords: [{ Value: value }] },
  });
  const changes: Change[] = [
    {
      Action: "CREATE",
      ResourceRecordSet: {
        Name: shopRecordName,
        Type: "A",
        AliasTarget: {
          HostedZoneId: loadBalancer.canonicalHostedZoneId,
          DNSName: loadBalancer.dnsName,
          EvaluateTargetHealth: true,
        },
      },
    },
    cname(databaseRecordName, database.endpointAddress),
    ...extraRecordNames.map((name) => cname(name, shopRecordName)),
  ];
  // Route53 caps a batch at 1,000 changes; batches run in order to keep moto's load modest.
  for (let start = 0; start < changes.length; start += 500) {
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.hostedZoneId,
        ChangeBatch: {
          Comment: `${options.name} records`,
          Changes: changes.slice(start, start + 500),
        },
      }),
    );
  }
  return { ...zone, shopRecordName, databaseRecordName, extraRecordNames };
}
