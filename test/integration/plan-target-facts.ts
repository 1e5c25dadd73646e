// Target facts gathered straight on the SDK: a reference for the AWS adapter's TargetFactsSource
// (src/plan/target-facts.ts), used by the plan-* integration tests.
import {
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeKeyPairsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type { TargetFacts, TargetFactsRequest } from "../../src/plan/target-facts.js";

/** What the AWS adapter's TargetFactsSource will do; here straight on the SDK, test-side. */
export async function gatherFacts(
  ec2: EC2Client,
  request: TargetFactsRequest,
): Promise<TargetFacts> {
  const region = await ec2.config.region();
  const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  const offerings = await ec2.send(
    new DescribeInstanceTypeOfferingsCommand({
      LocationType: "availability-zone",
      Filters: [{ Name: "instance-type", Values: [...request.instanceTypes] }],
    }),
  );
  const instanceTypes: Record<string, string[]> = {};
  for (const o of offerings.InstanceTypeOfferings ?? []) {
    if (o.Location && o.InstanceType) (instanceTypes[o.Location] ??= []).push(o.InstanceType);
  }
  const vpcs = await ec2.send(new DescribeVpcsCommand({}));
  // By id and by name: a missing id is not an error here, it is what pre-flight reports.
  const byId =
    request.imageIds.length === 0
      ? []
      : ((
          await ec2.send(
            new DescribeImagesCommand({
              Filters: [{ Name: "image-id", Values: [...request.imageIds] }],
            }),
          )
        ).Images ?? []);
  const byName =
    request.imageNames.length === 0
      ? []
      : ((
          await ec2.send(
            new DescribeImagesCommand({
              Filters: [{ Name: "name", Values: [...request.imageNames] }],
            }),
          )
        ).Images ?? []);
  const images = { Images: [...byId, ...byName] };
  const keys = await ec2.send(new DescribeKeyPairsCommand({}));
  return {
    region,
    zones: (zones.AvailabilityZones ?? []).flatMap((z) => z.ZoneName ?? []),
    instanceTypes,
    networks: (vpcs.Vpcs ?? []).map((v) => ({
      id: v.VpcId ?? "",
      cidrBlocks: (v.CidrBlockAssociationSet ?? []).flatMap((c) => c.CidrBlock ?? []),
    })),
    images: (images.Images ?? []).map((i) => ({ id: i.ImageId ?? "", name: i.Name ?? "" })),
    keyPairs: (keys.KeyPairs ?? []).flatMap((k) => k.KeyName ?? []),
  };
}
