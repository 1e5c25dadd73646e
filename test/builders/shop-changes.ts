/**
 * Three changes to a built shop, one per kind of diff entry: an ingress rule added to the web
 * security group, the web scaling group scaled from 2 to 3, and the database CNAME deleted.
 * The capture tests (test/integration/capture-shop.test.ts, test/e2e/capture-cli.test.ts)
 * expect exactly these three in the diff, and the counts by kind of the shop as built.
 */
import { SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { AuthorizeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import type { AwsClients } from "../harness/aws-clients.js";

/** The resources of a freshly built shop a capture holds, by kind. */
export const shopCounts = {
  network: 1,
  subnet: 4,
  "internet-gateway": 1,
  address: 2,
  "nat-gateway": 1,
  "route-table": 2,
  "security-group": 4,
  image: 1,
  // The bastion; the scaling group's machines are the group's to recreate.
  machine: 1,
  "network-interface": 1,
  volume: 1,
  "launch-template": 1,
  "target-group": 1,
  "load-balancer": 1,
  listener: 1,
  "scaling-group": 1,
  "db-subnet-group": 1,
  database: 1,
  "dns-zone": 1,
  "dns-record": 2,
};

export async function changeShopThreeWays(
  clients: AwsClients,
  shop: ShopEnvironment,
): Promise<void> {
  const { ec2, autoscaling, route53 } = clients.region("us-east-1");
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: shop.security.webGroupId,
      IpPermissions: [
        { IpProtocol: "tcp", FromPort: 9000, ToPort: 9000, IpRanges: [{ CidrIp: "10.0.0.0/16" }] },
      ],
    }),
  );
  await autoscaling.send(
    new SetDesiredCapacityCommand({
      AutoScalingGroupName: shop.compute.autoScalingGroupName,
      DesiredCapacity: 3,
    }),
  );
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: shop.dns.hostedZoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: "DELETE",
            ResourceRecordSet: {
              Name: shop.dns.databaseRecordName,
              Type: "CNAME",
              TTL: 300,
              ResourceRecords: [{ Value: shop.database.endpointAddress }],
            },
          },
        ],
      },
    }),
  );
}
