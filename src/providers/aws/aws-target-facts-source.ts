import {
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeKeyPairsCommand,
  DescribeVpcsCommand,
  type Image,
} from "@aws-sdk/client-ec2";
import type {
  TargetFacts,
  TargetFactsRequest,
  TargetFactsSource,
} from "../../model/plan/target-facts.js";
import type { AwsConnection } from "./aws-connection.js";
import { mapAwsError } from "./map-aws-error.js";

/**
 * The AWS {@link TargetFactsSource}: zones, type offerings by zone (filtered by the requested
 * types), VPCs, images by id and by name, key pairs. Read-only and paginated to the end; SDK
 * errors become `LB_PROVIDER_*`. Owns no connection: the caller closes it.
 */
export function awsTargetFacts(connection: AwsConnection): TargetFactsSource {
  const { ec2 } = connection.clients;
  const call = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw mapAwsError(error, operation);
    }
  };
  return {
    async gather(request: TargetFactsRequest, signal?: AbortSignal): Promise<TargetFacts> {
      const opts = signal === undefined ? {} : { abortSignal: signal };
      const zones = await call("ec2.DescribeAvailabilityZones", () =>
        ec2.send(new DescribeAvailabilityZonesCommand({}), opts),
      );
      const instanceTypes: Record<string, string[]> = {};
      if (request.instanceTypes.length > 0) {
        let token: string | undefined;
        do {
          const page = await call("ec2.DescribeInstanceTypeOfferings", () =>
            ec2.send(
              new DescribeInstanceTypeOfferingsCommand({
                LocationType: "availability-zone",
                Filters: [{ Name: "instance-type", Values: [...request.instanceTypes] }],
                ...(token ? { NextToken: token } : {}),
              }),
              opts,
            ),
          );
          for (const o of page.InstanceTypeOfferings ?? []) {
            if (o.Location && o.InstanceType) {
              (instanceTypes[o.Location] ??= []).push(o.InstanceType);
            }
          }
          token = page.NextToken;
        } while (token);
      }
      const networks: TargetFacts["networks"][number][] = [];
      let vpcToken: string | undefined;
      do {
        const page = await call("ec2.DescribeVpcs", () =>
          ec2.send(new DescribeVpcsCommand(vpcToken ? { NextToken: vpcToken } : {}), opts),
        );
        for (const v of page.Vpcs ?? []) {
          networks.push({
            id: v.VpcId ?? "",
            cidrBlocks: (v.CidrBlockAssociationSet ?? []).flatMap((c) => c.CidrBlock ?? []),
          });
        }
        vpcToken = page.NextToken;
      } while (vpcToken);
      const images = async (name: string, values: readonly string[]): Promise<Image[]> =>
        values.length === 0
          ? []
          : ((
              await call("ec2.DescribeImages", () =>
                ec2.send(
                  new DescribeImagesCommand({ Filters: [{ Name: name, Values: [...values] }] }),
                  opts,
                ),
              )
            ).Images ?? []);
      const found = [
        ...(await images("image-id", request.imageIds)),
        ...(await images("name", request.imageNames)),
      ];
      const keys = await call("ec2.DescribeKeyPairs", () =>
        ec2.send(new DescribeKeyPairsCommand({}), opts),
      );
      return {
        region: connection.options.region,
        zones: (zones.AvailabilityZones ?? []).flatMap((z) => z.ZoneName ?? []),
        instanceTypes,
        networks,
        images: found.map((i) => ({ id: i.ImageId ?? "", name: i.Name ?? "" })),
        keyPairs: (keys.KeyPairs ?? []).flatMap((k) => k.KeyName ?? []),
      };
    },
  };
}
