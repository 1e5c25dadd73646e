import {
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  paginateListHostedZones,
  type HostedZone,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  type Route53Client,
  type Tag,
  type VPC,
} from "@aws-sdk/client-route-53";
import { call, chunks, collect, paging } from "./aws-calls.js";

export interface DnsRaw {
  readonly zones: HostedZone[];
  readonly records: Map<string, ResourceRecordSet[]>;
  readonly tags: Map<string, Tag[]>;
  readonly zoneNetworks: Map<string, VPC[]>;
}

/** Route53 answers `/hostedzone/Z…`; everything else uses the bare id. */
export const bareZoneId = (id: string) => id.replace(/^\/hostedzone\//, "");

export async function fetchDns(route53: Route53Client, pageSize?: number): Promise<DnsRaw> {
  const zones = await collect(
    "route53.ListHostedZones",
    paginateListHostedZones(paging(route53, pageSize, 1, 100), {}),
    (p) => p.HostedZones,
  );
  const ids = zones.flatMap((z) => (z.Id ? [bareZoneId(z.Id)] : []));
  const records = new Map<string, ResourceRecordSet[]>();
  const tags = new Map<string, Tag[]>();
  const zoneNetworks = new Map<string, VPC[]>();
  await Promise.all([
    ...ids.map(async (id) => records.set(id, await listRecords(route53, id, pageSize))),
    // ListTagsForResources takes at most 10 zone ids per call.
    ...chunks(ids, 10).map(async (ResourceIds) => {
      const answer = await call("route53.ListTagsForResources", () =>
        route53.send(new ListTagsForResourcesCommand({ ResourceType: "hostedzone", ResourceIds })),
      );
      for (const set of answer.ResourceTagSets ?? []) {
        if (set.ResourceId) tags.set(bareZoneId(set.ResourceId), set.Tags ?? []);
      }
    }),
    ...zones
      .filter((z) => z.Config?.PrivateZone === true && z.Id)
      .map(async (z) => {
        const id = bareZoneId(z.Id ?? "");
        const answer = await call("route53.GetHostedZone", () =>
          route53.send(new GetHostedZoneCommand({ Id: id })),
        );
        zoneNetworks.set(id, answer.VPCs ?? []);
      }),
  ]);
  return { zones, records, tags, zoneNetworks };
}

/** The SDK has no paginator for this call; it pages by (name, type, identifier). */
async function listRecords(route53: Route53Client, HostedZoneId: string, pageSize?: number) {
  const all: ResourceRecordSet[] = [];
  let start: Pick<
    ListResourceRecordSetsCommandInput,
    "StartRecordName" | "StartRecordType" | "StartRecordIdentifier"
  > = {};
  for (;;) {
    const page = await call("route53.ListResourceRecordSets", () =>
      route53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId,
          ...start,
          ...(pageSize === undefined ? {} : { MaxItems: Math.min(300, Math.max(1, pageSize)) }),
        }),
      ),
    );
    all.push(...(page.ResourceRecordSets ?? []));
    if (!page.IsTruncated) return all;
    start = {
      ...(page.NextRecordName === undefined ? {} : { StartRecordName: page.NextRecordName }),
      ...(page.NextRecordType === undefined ? {} : { StartRecordType: page.NextRecordType }),
      ...(page.NextRecordIdentifier === undefined
        ? {}
        : { StartRecordIdentifier: page.NextRecordIdentifier }),
    };
  }
}
