import {
  DescribeAddressesCommand,
  DescribeInstanceAttributeCommand,
  DescribeVpcAttributeCommand,
  paginateDescribeImages,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeLaunchTemplates,
  paginateDescribeLaunchTemplateVersions,
  paginateDescribeNatGateways,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVolumes,
  paginateDescribeVpcs,
  type Address,
  type EC2Client,
  type Image,
  type Instance,
  type InternetGateway,
  type LaunchTemplate,
  type LaunchTemplateVersion,
  type NatGateway,
  type NetworkInterface,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Volume,
  type Vpc,
} from "@aws-sdk/client-ec2";
import { call, collect, paging } from "./aws-calls.js";

/** What EC2 holds for one region, as the SDK returns it; normalised in `normalise-*.ts`. */
export interface Ec2Raw {
  readonly vpcs: Vpc[];
  readonly vpcDns: Map<string, { support?: boolean; hostnames?: boolean }>;
  readonly subnets: Subnet[];
  readonly internetGateways: InternetGateway[];
  readonly natGateways: NatGateway[];
  readonly addresses: Address[];
  readonly routeTables: RouteTable[];
  readonly securityGroups: SecurityGroup[];
  readonly networkInterfaces: NetworkInterface[];
  readonly instances: Instance[];
  readonly userData: Map<string, string>;
  readonly volumes: Volume[];
  readonly images: Image[];
  readonly launchTemplates: LaunchTemplate[];
  readonly templateVersions: Map<string, LaunchTemplateVersion[]>;
}

const gone = new Set(["deleted", "deleting", "failed", "terminated", "shutting-down"]);

export async function fetchEc2(ec2: EC2Client, pageSize?: number): Promise<Ec2Raw> {
  const client = paging(ec2, pageSize, 5, 1000);
  const [
    vpcs,
    subnets,
    internetGateways,
    natGateways,
    addresses,
    routeTables,
    securityGroups,
    networkInterfaces,
    reservations,
    volumes,
    images,
    launchTemplates,
  ] = await Promise.all([
    collect("ec2.DescribeVpcs", paginateDescribeVpcs(client, {}), (p) => p.Vpcs),
    collect("ec2.DescribeSubnets", paginateDescribeSubnets(client, {}), (p) => p.Subnets),
    collect(
      "ec2.DescribeInternetGateways",
      paginateDescribeInternetGateways(client, {}),
      (p) => p.InternetGateways,
    ),
    collect(
      "ec2.DescribeNatGateways",
      paginateDescribeNatGateways(client, {}),
      (p) => p.NatGateways,
    ),
    // DescribeAddresses is not paginated: it returns every address of the region at once.
    call("ec2.DescribeAddresses", () => ec2.send(new DescribeAddressesCommand({}))).then(
      (answer) => answer.Addresses ?? [],
    ),
    collect(
      "ec2.DescribeRouteTables",
      paginateDescribeRouteTables(client, {}),
      (p) => p.RouteTables,
    ),
    collect(
      "ec2.DescribeSecurityGroups",
      paginateDescribeSecurityGroups(client, {}),
      (p) => p.SecurityGroups,
    ),
    collect(
      "ec2.DescribeNetworkInterfaces",
      paginateDescribeNetworkInterfaces(client, {}),
      (p) => p.NetworkInterfaces,
    ),
    collect("ec2.DescribeInstances", paginateDescribeInstances(client, {}), (p) => p.Reservations),
    collect("ec2.DescribeVolumes", paginateDescribeVolumes(client, {}), (p) => p.Volumes),
    collect(
      "ec2.DescribeImages",
      paginateDescribeImages(client, { Owners: ["self"] }),
      (p) => p.Images,
    ),
    collect(
      "ec2.DescribeLaunchTemplates",
      paginateDescribeLaunchTemplates(client, {}),
      (p) => p.LaunchTemplates,
    ),
  ]);
  const instances = reservations
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => !gone.has(i.State?.Name ?? ""));
  const [vpcDns, userData, templateVersions] = await Promise.all([
    fetchVpcDns(ec2, vpcs),
    fetchUserData(ec2, instances),
    fetchTemplateVersions(client, launchTemplates),
  ]);
  return {
    vpcs,
    vpcDns,
    subnets,
    internetGateways,
    natGateways: natGateways.filter((n) => !gone.has(n.State ?? "")),
    addresses,
    routeTables,
    securityGroups,
    networkInterfaces,
    instances,
    userData,
    volumes: volumes.filter((v) => !gone.has(v.State ?? "")),
    images: images.filter((i) => !gone.has(i.State ?? "")),
    launchTemplates,
    templateVersions,
  };
}

async function fetchVpcDns(ec2: EC2Client, vpcs: readonly Vpc[]) {
  const out = new Map<string, { support?: boolean; hostnames?: boolean }>();
  await Promise.all(
    vpcs.map(async ({ VpcId }) => {
      if (!VpcId) return;
      const op = "ec2.DescribeVpcAttribute";
      const [support, hostnames] = await Promise.all([
        call(op, () =>
          ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: "enableDnsSupport" })),
        ),
        call(op, () =>
          ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute: "enableDnsHostnames" })),
        ),
      ]);
      const entry: { support?: boolean; hostnames?: boolean } = {};
      if (support.EnableDnsSupport?.Value !== undefined)
        entry.support = support.EnableDnsSupport.Value;
      if (hostnames.EnableDnsHostnames?.Value !== undefined) {
        entry.hostnames = hostnames.EnableDnsHostnames.Value;
      }
      out.set(VpcId, entry);
    }),
  );
  return out;
}

/** User data is not in DescribeInstances; a scaling group's machines are skipped (not captured). */
async function fetchUserData(ec2: EC2Client, instances: readonly Instance[]) {
  const out = new Map<string, string>();
  const own = instances.filter(
    (i) => !(i.Tags ?? []).some((t) => t.Key === "aws:autoscaling:groupName"),
  );
  await Promise.all(
    own.map(async ({ InstanceId }) => {
      if (!InstanceId) return;
      const answer = await call("ec2.DescribeInstanceAttribute", () =>
        ec2.send(new DescribeInstanceAttributeCommand({ InstanceId, Attribute: "userData" })),
      );
      const value = answer.UserData?.Value;
      if (value) out.set(InstanceId, value);
    }),
  );
  return out;
}

async function fetchTemplateVersions(
  client: { client: EC2Client; pageSize?: number },
  templates: readonly LaunchTemplate[],
) {
  const out = new Map<string, LaunchTemplateVersion[]>();
  await Promise.all(
    templates.map(async ({ LaunchTemplateId }) => {
      if (!LaunchTemplateId) return;
      const versions = await collect(
        "ec2.DescribeLaunchTemplateVersions",
        paginateDescribeLaunchTemplateVersions(client, { LaunchTemplateId }),
        (p) => p.LaunchTemplateVersions,
      );
      out.set(LaunchTemplateId, versions);
    }),
  );
  return out;
}
