// Shared by the recover-*.test.ts files: a captured shop in moto's us-east-1, its plan into
// us-west-2, an executor with the AWS step handlers on a temporary SQLite store, and counts
// of what a region holds outside its default network.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplatesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeDBInstancesCommand, DescribeDBSubnetGroupsCommand } from "@aws-sdk/client-rds";
import { captureEnvironment } from "../../src/capture/capture.js";
import { Executor } from "../../src/execute/executor.js";
import type { Inventory } from "../../src/model/inventory/index.js";
import { parseMappingOrThrow } from "../../src/model/mapping.js";
import type { Plan, RecoveryMode } from "../../src/model/plan/index.js";
import { planRecovery } from "../../src/plan/plan-recovery.js";
import type { TargetFacts } from "../../src/plan/target-facts.js";
import { awsStepHandlers } from "../../src/providers/aws/apply/aws-step-handlers.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import type { AwsClients, RegionClients } from "../harness/aws-clients.js";
import { motoClientConfig, type MotoServer } from "../harness/moto.js";

export const source = "us-east-1";
export const target = "us-west-2";

export interface CapturedShop {
  readonly shop: ShopEnvironment;
  readonly inventory: Inventory;
}

export async function captureShop(moto: MotoServer, clients: AwsClients): Promise<CapturedShop> {
  const shop = await shopEnvironment(clients).inRegion(source).named("shop").build();
  const provider = new AwsProvider({ ...motoClientConfig(moto, source), maxConcurrency: 4 });
  try {
    const { inventory } = await captureEnvironment(provider, { tags: { app: "shop" } });
    return { shop, inventory };
  } finally {
    provider.close();
  }
}

/** What the planner needs to know about the target, read from moto's us-west-2. */
export async function targetFacts(ec2: EC2Client): Promise<TargetFacts> {
  const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  const offerings = await ec2.send(
    new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone" }),
  );
  const instanceTypes: Record<string, string[]> = {};
  for (const o of offerings.InstanceTypeOfferings ?? []) {
    if (o.Location && o.InstanceType) (instanceTypes[o.Location] ??= []).push(o.InstanceType);
  }
  const vpcs = await ec2.send(new DescribeVpcsCommand({}));
  return {
    region: target,
    zones: (zones.AvailabilityZones ?? []).flatMap((z) => z.ZoneName ?? []),
    instanceTypes,
    networks: (vpcs.Vpcs ?? []).map((v) => ({
      id: v.VpcId ?? "",
      cidrBlocks: (v.CidrBlockAssociationSet ?? []).flatMap((c) => c.CidrBlock ?? []),
    })),
    images: [],
  };
}

export function planShop(inventory: Inventory, facts: TargetFacts, mode: RecoveryMode): Plan {
  const outcome = planRecovery({
    environment: "shop",
    inventory,
    mapping: parseMappingOrThrow({ target: "west", nameSuffix: "-dr" }),
    mode,
    facts,
  });
  if (!outcome.ok) throw new Error(`plan failed: ${JSON.stringify(outcome.problems)}`);
  return outcome.plan;
}

export interface RecoverySetup {
  readonly store: Store;
  readonly executor: Executor;
  /** The target connection the handlers use (its `stats()` count API calls). */
  readonly connection: AwsConnection;
  close(): Promise<void>;
}

/** An executor with the AWS handlers for us-west-2 on a fresh SQLite store in a temp dir. */
export async function recoverySetup(moto: MotoServer): Promise<RecoverySetup> {
  const dir = mkdtempSync(join(tmpdir(), "lifeboat-recover-"));
  const store = await openStore(`sqlite:${join(dir, "state.db")}`);
  await createEnvironment(store, { name: "shop", configDigest: "recover-test" });
  const connection = new AwsConnection({ ...motoClientConfig(moto, target), maxConcurrency: 4 });
  const handlers = awsStepHandlers(connection);
  const executor = new Executor({ store, handlers, concurrency: 8 });
  return {
    store,
    executor,
    connection,
    async close() {
      connection.destroy();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Counts = Record<string, number>;

/**
 * Resources of a region outside its default network, by Lifeboat kind (what a rebuild makes).
 * With `runId`, only those tagged `lifeboat:run` = runId, counted per source id as well.
 */
export async function countRegion(c: RegionClients): Promise<Counts> {
  const { ec2, elbv2, autoscaling, rds } = c;
  const vpcs = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
  const defaults = new Set(vpcs.filter((v) => v.IsDefault).map((v) => v.VpcId));
  const own = <T extends { VpcId?: string | undefined }>(items: T[] | undefined) =>
    (items ?? []).filter((i) => !defaults.has(i.VpcId)).length;
  const instances = ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== "terminated");
  const nats = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
  const igws = (await ec2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways ?? [];
  const lbs = (await elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  let listeners = 0;
  for (const lb of lbs) {
    const found = await elbv2.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }),
    );
    listeners += found.Listeners?.length ?? 0;
  }
  return {
    network: own(vpcs),
    subnet: own((await ec2.send(new DescribeSubnetsCommand({}))).Subnets),
    "internet-gateway": igws.filter(
      (g) => !(g.Attachments ?? []).some((a) => defaults.has(a.VpcId)),
    ).length,
    "nat-gateway": nats.filter((n) => n.State === "available" || n.State === "pending").length,
    address: (await ec2.send(new DescribeAddressesCommand({}))).Addresses?.length ?? 0,
    "route-table": own((await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables),
    "security-group": own((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups),
    machine: instances.length,
    volume: ((await ec2.send(new DescribeVolumesCommand({}))).Volumes ?? []).length,
    "network-interface": own(
      (await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces,
    ),
    image: (await ec2.send(new DescribeImagesCommand({ Owners: ["self"] }))).Images?.length ?? 0,
    "launch-template":
      (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates?.length ?? 0,
    "scaling-group":
      (await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups
        ?.length ?? 0,
    "load-balancer": lbs.length,
    listener: listeners,
    "target-group":
      (await elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.length ?? 0,
    "db-subnet-group":
      (await rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups?.length ?? 0,
    database: (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances?.length ?? 0,
  };
}

/** How many EC2 resources carry each `lifeboat:source-id` of run `runId` (duplicates > 1). */
export async function countByRunTag(ec2: EC2Client, runId: string): Promise<Map<string, number>> {
  const { DescribeTagsCommand } = await import("@aws-sdk/client-ec2");
  const tagged = new Set<string>();
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: "key", Values: ["lifeboat:run"] },
          { Name: "value", Values: [runId] },
        ],
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const t of page.Tags ?? []) if (t.ResourceId) tagged.add(t.ResourceId);
    token = page.NextToken;
  } while (token);
  const bySource = new Map<string, number>();
  for (let ids = [...tagged]; ids.length > 0; ids = ids.slice(100)) {
    const page = await ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: "resource-id", Values: ids.slice(0, 100) },
          { Name: "key", Values: ["lifeboat:source-id"] },
        ],
      }),
    );
    for (const t of page.Tags ?? []) {
      const key = `${t.ResourceType}:${t.Value}`;
      bySource.set(key, (bySource.get(key) ?? 0) + 1);
    }
  }
  return bySource;
}
