import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  type RDSClient,
} from "@aws-sdk/client-rds";
import type { ShopDatabase, ShopNetwork, ShopOptions, ShopSecurity } from "./shop-types.js";
import { required, shopTags } from "./tags.js";

/** PostgreSQL in a subnet group over the private subnets, behind the database group. */
export async function buildDatabase(
  rds: RDSClient,
  options: ShopOptions,
  network: ShopNetwork,
  security: ShopSecurity,
): Promise<ShopDatabase> {
  const subnetGroupName = `${options.name}-db-subnets`;
  const identifier = `${options.name}-db`;
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: subnetGroupName,
      DBSubnetGroupDescription: `${options.name} private subnets`,
      SubnetIds: network.privateSubnets.map((subnet) => subnet.subnetId),
      Tags: shopTags(options.name, "db-subnets"),
    }),
  );
  const { DBInstance } = await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: identifier,
      Engine: "postgres",
      EngineVersion: "16.3",
      DBInstanceClass: "db.t3.micro",
      AllocatedStorage: 20,
      StorageType: "gp3",
      DBName: "shop",
      MasterUsername: "shop",
      // A fixture password for an emulator that has no network behind it.
      MasterUserPassword: "not-a-secret-1",
      Port: 5432,
      DBSubnetGroupName: subnetGroupName,
      VpcSecurityGroupIds: [security.databaseGroupId],
      PubliclyAccessible: false,
      MultiAZ: false,
      BackupRetentionPeriod: 7,
      Tags: shopTags(options.name, "db"),
    }),
  );
  return {
    identifier,
    arn: required(DBInstance?.DBInstanceArn, "DBInstanceArn"),
    engine: "postgres",
    endpointAddress: required(DBInstance?.Endpoint?.Address, "DB Endpoint.Address"),
    port: DBInstance?.Endpoint?.Port ?? 5432,
    subnetGroupName,
  };
}
