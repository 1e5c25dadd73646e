/* The odd environment of capture-shapes.test.ts: shapes the shop fixture does not make. */
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AssociateVpcCidrBlockCommand,
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
  RegisterImageCommand,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  CreateDBSubnetGroupCommand,
  ModifyDBParameterGroupCommand,
} from "@aws-sdk/client-rds";
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  type VPCRegion,
} from "@aws-sdk/client-route-53";
import type { AwsClients } from "../harness/aws-clients.js";

const tags: Tag[] = [{ Key: "app", Value: "odd" }];
const spec = (
  ResourceType:
    | "vpc"
    | "subnet"
    | "security-group"
    | "instance"
    | "volume"
    | "network-interface"
    | "route-table"
    | "elastic-ip"
    | "launch-template"
    | "image"
    | "key-pair",
) => [{ ResourceType, Tags: tags }];

/** Builds it in `region` and returns the ids the test asserts on. */
export async function buildOddEnvironment(
  clients: AwsClients,
  region: string,
): Promise<Record<string, string>> {
  const made: Record<string, string> = {};
  const { ec2, elbv2, rds, route53 } = clients.region(region);
  const vpc = await ec2.send(
    new CreateVpcCommand({ CidrBlock: "10.9.0.0/16", TagSpecifications: spec("vpc") }),
  );
  const vpcId = vpc.Vpc?.VpcId ?? "";
  made.vpc = vpcId;
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.10.0.0/16" }));
  await ec2.send(
    new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }),
  );
  const subnets = await Promise.all(
    ["a", "b"].map((z, i) =>
      ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: `10.9.${i}.0/24`,
          AvailabilityZone: `${region}${z}`,
          TagSpecifications: spec("subnet"),
        }),
      ),
    ),
  );
  const [subnetA, subnetB] = subnets.map((s) => s.Subnet?.SubnetId ?? "");
  made.subnetA = subnetA ?? "";
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: "odd",
      Description: "odd",
      TagSpecifications: spec("security-group"),
    }),
  );
  const sgId = sg.GroupId ?? "";
  made.sg = sgId;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgId,
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          Ipv6Ranges: [{ CidrIpv6: "::/0", Description: "v6" }],
        },
        { IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: sgId, Description: "self" }] },
      ],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: sgId,
      IpPermissions: [
        { IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "10.9.0.2/32" }] },
      ],
    }),
  );
  await ec2.send(new CreateKeyPairCommand({ KeyName: "odd-ops" }));
  const image = await ec2.send(
    new RegisterImageCommand({ Name: "odd-image", TagSpecifications: spec("image") }),
  );
  const imageId = image.ImageId ?? "";
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      InstanceType: "t3.micro",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetA,
      SecurityGroupIds: [sgId],
      KeyName: "odd-ops",
      UserData: Buffer.from("#!/bin/sh\necho odd\n").toString("base64"),
      TagSpecifications: spec("instance"),
    }),
  );
  const instanceId = run.Instances?.[0]?.InstanceId ?? "";
  made.instance = instanceId;
  // An image that does not exist (moto does not validate images by default): a vanished AMI.
  const stray = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-00000000000000dea",
      InstanceType: "t3.micro",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetB,
      TagSpecifications: spec("instance"),
    }),
  );
  made.stray = stray.Instances?.[0]?.InstanceId ?? "";
  const eni = await ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnetA,
      Groups: [sgId],
      PrivateIpAddresses: [
        { PrivateIpAddress: "10.9.0.50", Primary: true },
        { PrivateIpAddress: "10.9.0.51", Primary: false },
      ],
      TagSpecifications: spec("network-interface"),
    }),
  );
  const eniId = eni.NetworkInterface?.NetworkInterfaceId ?? "";
  made.eni = eniId;
  await ec2.send(
    new AttachNetworkInterfaceCommand({
      NetworkInterfaceId: eniId,
      InstanceId: instanceId,
      DeviceIndex: 1,
    }),
  );
  const volume = await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${region}a`,
      Size: 20,
      VolumeType: "gp3",
      Iops: 3000,
      Throughput: 125,
      TagSpecifications: spec("volume"),
    }),
  );
  made.volume = volume.VolumeId ?? "";
  await ec2.send(
    new AttachVolumeCommand({ VolumeId: made.volume, InstanceId: instanceId, Device: "/dev/sdf" }),
  );
  const eip = await ec2.send(
    new AllocateAddressCommand({ Domain: "vpc", TagSpecifications: spec("elastic-ip") }),
  );
  made.eip = eip.AllocationId ?? "";
  made.eipIp = eip.PublicIp ?? "";
  await ec2.send(
    new AssociateAddressCommand({ AllocationId: made.eip, NetworkInterfaceId: eniId }),
  );
  const table = await ec2.send(
    new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: spec("route-table") }),
  );
  made.table = table.RouteTable?.RouteTableId ?? "";
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: made.table,
      DestinationCidrBlock: "172.16.0.0/12",
      NetworkInterfaceId: eniId,
    }),
  );
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "odd",
      LaunchTemplateData: {
        ImageId: imageId,
        InstanceType: "t3.micro",
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: subnetB, Groups: [sgId], AssociatePublicIpAddress: false },
        ],
      },
      TagSpecifications: spec("launch-template"),
    }),
  );
  made.template = template.LaunchTemplate?.LaunchTemplateId ?? "";
  await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: made.template,
      SourceVersion: "1",
      LaunchTemplateData: { InstanceType: "t3.small" },
    }),
  );
  const lb = await elbv2.send(
    new CreateLoadBalancerCommand({
      Name: "odd-alb",
      Subnets: [subnetA ?? "", subnetB ?? ""],
      SecurityGroups: [sgId],
      Tags: tags.map((t) => ({ Key: t.Key ?? "", Value: t.Value })),
    }),
  );
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? "";
  const [ipGroup, instanceGroup] = await Promise.all(
    (["ip", "instance"] as const).map((TargetType) =>
      elbv2.send(
        new CreateTargetGroupCommand({
          Name: `odd-${TargetType}`,
          Protocol: "HTTP",
          Port: 80,
          VpcId: vpcId,
          TargetType,
          Tags: [{ Key: "app", Value: "odd" }],
        }),
      ),
    ),
  );
  const ipArn = ipGroup?.TargetGroups?.[0]?.TargetGroupArn ?? "";
  const instanceArn = instanceGroup?.TargetGroups?.[0]?.TargetGroupArn ?? "";
  await elbv2.send(
    new RegisterTargetsCommand({
      TargetGroupArn: ipArn,
      Targets: [{ Id: "10.9.0.77", Port: 8080 }],
    }),
  );
  await elbv2.send(
    new RegisterTargetsCommand({ TargetGroupArn: instanceArn, Targets: [{ Id: instanceId }] }),
  );
  const listener = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Protocol: "HTTP",
      Port: 8080,
      Tags: [
        { Key: "app", Value: "odd" },
        { Key: "Name", Value: "odd-admin-listener" },
      ],
      DefaultActions: [
        {
          Type: "fixed-response",
          FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain", MessageBody: "no" },
        },
      ],
    }),
  );
  await elbv2.send(
    new CreateRuleCommand({
      ListenerArn: listener.Listeners?.[0]?.ListenerArn ?? "",
      Priority: 10,
      Conditions: [{ Field: "path-pattern", Values: ["/api/*"] }],
      Actions: [{ Type: "forward", TargetGroupArn: ipArn }],
    }),
  );
  await rds.send(
    new CreateDBParameterGroupCommand({
      DBParameterGroupName: "odd-pg",
      DBParameterGroupFamily: "postgres16",
      Description: "odd",
    }),
  );
  await rds.send(
    new ModifyDBParameterGroupCommand({
      DBParameterGroupName: "odd-pg",
      Parameters: [
        {
          ParameterName: "log_min_duration_statement",
          ParameterValue: "250",
          ApplyMethod: "immediate",
        },
      ],
    }),
  );
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: "odd-db",
      DBSubnetGroupDescription: "odd",
      SubnetIds: [subnetA ?? "", subnetB ?? ""],
      Tags: [{ Key: "app", Value: "odd" }],
    }),
  );
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: "odd-db",
      Engine: "postgres",
      EngineVersion: "16.3",
      DBInstanceClass: "db.t3.micro",
      AllocatedStorage: 20,
      MasterUsername: "odd",
      MasterUserPassword: "odd-password-1",
      DBSubnetGroupName: "odd-db",
      DBParameterGroupName: "odd-pg",
      VpcSecurityGroupIds: [sgId],
      Tags: [{ Key: "app", Value: "odd" }],
    }),
  );
  const zone = await route53.send(
    new CreateHostedZoneCommand({
      Name: "odd.internal",
      CallerReference: `odd-${Math.random()}`,
      VPC: { VPCId: vpcId, VPCRegion: region as VPCRegion },
      HostedZoneConfig: { PrivateZone: true, Comment: "odd private" },
    }),
  );
  made.zone = (zone.HostedZone?.Id ?? "").replace(/^\/hostedzone\//, "");
  await route53.send(
    new ChangeTagsForResourceCommand({
      ResourceType: "hostedzone",
      ResourceId: made.zone,
      AddTags: [{ Key: "app", Value: "odd" }],
    }),
  );
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: made.zone,
      ChangeBatch: {
        Changes: [
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: "jump.odd.internal",
              Type: "A",
              TTL: 60,
              ResourceRecords: [{ Value: made.eipIp }],
            },
          },
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: "api.odd.internal",
              Type: "CNAME",
              TTL: 60,
              SetIdentifier: "blue",
              Weight: 90,
              ResourceRecords: [{ Value: "blue.example.net" }],
            },
          },
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: "api.odd.internal",
              Type: "CNAME",
              TTL: 60,
              SetIdentifier: "green",
              Weight: 10,
              ResourceRecords: [{ Value: "green.example.net" }],
            },
          },
          {
            Action: "CREATE",
            ResourceRecordSet: {
              Name: "ssh.odd.internal",
              Type: "A",
              AliasTarget: {
                HostedZoneId: made.zone,
                DNSName: "jump.odd.internal",
                EvaluateTargetHealth: false,
              },
            },
          },
        ],
      },
    }),
  );
  return made;
}
