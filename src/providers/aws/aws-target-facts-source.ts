import {
  DescribeAvailabilityZonesCommand,
  DescribeKeyPairsCommand,
  paginateDescribeImages,
  paginateDescribeInstanceTypeOfferings,
  paginateDescribeVpcs,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type {
  TargetFacts,
  TargetFactsRequest,
  TargetFactsSource,
  TargetImage,
} from "../../model/plan/target-facts.js";
import { call, chunks, collect } from "./aws-calls.js";
import type { AwsConnection } from "./aws-connection.js";

/** DescribeImages and DescribeInstanceTypeOfferings take at most this many filter values. */
const filterValuesMax = 200;

/**
 * The AWS {@link TargetFactsSource}: zones, type offerings by zone (filtered by the requested
 * types), VPCs, images by id and by name, key pairs. Read-only and paginated to the end (the
 * connection's shared helpers and request limit); SDK errors become `LB_PROVIDER_*`; an abort
 * stops requests not yet sent. Owns no connection: the caller closes it.
 */
export function awsTargetFacts(connection: AwsConnection): TargetFactsSource {
  const { ec2 } = connection.clients;
  const gather = async (request: TargetFactsRequest): Promise<TargetFacts> => {
    const [zones, instanceTypes, networks, images, keyPairs] = await Promise.all([
      call("ec2.DescribeAvailabilityZones", () =>
        ec2.send(new DescribeAvailabilityZonesCommand({})),
      ).then((answer) => (answer.AvailabilityZones ?? []).flatMap((z) => z.ZoneName ?? [])),
      offeredTypes(ec2, request.instanceTypes),
      collect("ec2.DescribeVpcs", paginateDescribeVpcs({ client: ec2 }, {}), (p) => p.Vpcs).then(
        (vpcs) =>
          vpcs.map((v) => ({
            id: v.VpcId ?? "",
            cidrBlocks: (v.CidrBlockAssociationSet ?? []).flatMap((c) => c.CidrBlock ?? []),
          })),
      ),
      requestedImages(ec2, request),
      call("ec2.DescribeKeyPairs", () => ec2.send(new DescribeKeyPairsCommand({}))).then((answer) =>
        (answer.KeyPairs ?? []).flatMap((k) => k.KeyName ?? []),
      ),
    ]);
    return { region: connection.options.region, zones, instanceTypes, networks, images, keyPairs };
  };
  return {
    gather: (request, signal) =>
      signal === undefined ? gather(request) : connection.scoped(signal, () => gather(request)),
  };
}

async function offeredTypes(
  ec2: EC2Client,
  types: readonly string[],
): Promise<Record<string, string[]>> {
  const byZone: Record<string, string[]> = {};
  for (const batch of chunks([...new Set(types)], filterValuesMax)) {
    const offerings = await collect(
      "ec2.DescribeInstanceTypeOfferings",
      paginateDescribeInstanceTypeOfferings(
        { client: ec2 },
        { LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: batch }] },
      ),
      (page) => page.InstanceTypeOfferings,
    );
    for (const o of offerings) {
      if (o.Location && o.InstanceType) (byZone[o.Location] ??= []).push(o.InstanceType);
    }
  }
  return byZone;
}

/** Images by id and by name, once each; a requested id that is missing is pre-flight's to report. */
async function requestedImages(
  ec2: EC2Client,
  request: TargetFactsRequest,
): Promise<TargetImage[]> {
  const filters = [
    ...chunks([...new Set(request.imageIds)], filterValuesMax).map((v) => ({
      Name: "image-id",
      Values: v,
    })),
    ...chunks([...new Set(request.imageNames)], filterValuesMax).map((v) => ({
      Name: "name",
      Values: v,
    })),
  ];
  const found = new Map<string, TargetImage>();
  for (const filter of filters) {
    const images = await collect(
      "ec2.DescribeImages",
      paginateDescribeImages({ client: ec2 }, { Filters: [filter] }),
      (page) => page.Images,
    );
    for (const i of images)
      if (i.ImageId) found.set(i.ImageId, { id: i.ImageId, name: i.Name ?? "" });
  }
  return [...found.values()];
}
