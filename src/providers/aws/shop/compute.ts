import {
  type AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  RegisterImageCommand,
  RunInstancesCommand,
  type EC2Client,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import type { ShopNetwork, ShopOptions, ShopSecurity } from "./shop-types.js";
import { required, shopTags, tagSpec } from "./tags.js";

/**
 * moto starts without AMIs (MOTO_EC2_LOAD_DEFAULT_AMIS=false), so the shop registers its own
 * and recovery tests can map a real image id. moto keeps only Name and Description.
 */
export async function registerShopImage(ec2: EC2Client, options: ShopOptions) {
  const imageName = `${options.name}-web-image`;
  const { ImageId } = await ec2.send(
    new RegisterImageCommand({
      Name: imageName,
      Description: `${options.name} web server image`,
      Architecture: "x86_64",
      RootDeviceName: "/dev/xvda",
      VirtualizationType: "hvm",
    }),
  );
  const imageId = required(ImageId, "ImageId");
  // moto's RegisterImage drops TagSpecifications, so the tags go on afterwards.
  await ec2.send(
    new CreateTagsCommand({ Resources: [imageId], Tags: shopTags(options.name, "web-image") }),
  );
  return { imageId, imageName };
}

export async function createLaunchTemplate(
  ec2: EC2Client,
  options: ShopOptions,
  imageId: string,
  security: ShopSecurity,
) {
  const launchTemplateName = `${options.name}-web`;
  const { LaunchTemplate } = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: launchTemplateName,
      VersionDescription: "shop web server",
      LaunchTemplateData: {
        ImageId: imageId,
        InstanceType: options.instanceType as _InstanceType,
        SecurityGroupIds: [security.webGroupId],
        TagSpecifications: [
          { ResourceType: "instance", Tags: shopTags(options.name, "web") },
          { ResourceType: "volume", Tags: shopTags(options.name, "web-root") },
        ],
      },
      TagSpecifications: tagSpec("launch-template", options.name, "web-lt"),
    }),
  );
  return {
    launchTemplateId: required(LaunchTemplate?.LaunchTemplateId, "LaunchTemplateId"),
    launchTemplateName,
  };
}

/** The web tier: N instances in the private subnets, registered with the target group. */
export async function createWebGroup(
  autoscaling: AutoScalingClient,
  options: ShopOptions,
  launchTemplateId: string,
  network: ShopNetwork,
  targetGroupArn: string,
) {
  const autoScalingGroupName = `${options.name}-web`;
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: autoScalingGroupName,
      LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: "$Latest" },
      MinSize: options.webInstances,
      MaxSize: Math.max(options.webInstances * 2, 1),
      DesiredCapacity: options.webInstances,
      VPCZoneIdentifier: network.privateSubnets.map((subnet) => subnet.subnetId).join(","),
      TargetGroupARNs: [targetGroupArn],
      HealthCheckType: "ELB",
      HealthCheckGracePeriod: 60,
      Tags: [
        { Key: "app", Value: options.name, PropagateAtLaunch: true },
        { Key: "Name", Value: `${options.name}-web`, PropagateAtLaunch: true },
      ],
    }),
  );
  const { AutoScalingGroups } = await autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [autoScalingGroupName] }),
  );
  const instances = required(AutoScalingGroups?.[0]?.Instances, "AutoScalingGroup.Instances");
  return {
    autoScalingGroupName,
    webInstanceIds: instances.map((instance) => required(instance.InstanceId, "InstanceId")),
  };
}

/** A jump host in the first public subnet with its own elastic IP. */
export async function createBastion(
  ec2: EC2Client,
  options: ShopOptions,
  imageId: string,
  network: ShopNetwork,
  security: ShopSecurity,
) {
  const subnet = required(network.publicSubnets[0], "public subnet");
  const [run, address] = await Promise.all([
    ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.subnetId,
        SecurityGroupIds: [security.bastionGroupId],
        TagSpecifications: tagSpec("instance", options.name, "bastion"),
      }),
    ),
    ec2.send(
      new AllocateAddressCommand({
        Domain: "vpc",
        TagSpecifications: tagSpec("elastic-ip", options.name, "bastion-eip"),
      }),
    ),
  ]);
  const bastionInstanceId = required(run.Instances?.[0]?.InstanceId, "bastion InstanceId");
  const bastionAllocationId = required(address.AllocationId, "bastion AllocationId");
  await ec2.send(
    new AssociateAddressCommand({
      InstanceId: bastionInstanceId,
      AllocationId: bastionAllocationId,
    }),
  );
  return {
    bastionInstanceId,
    bastionAllocationId,
    bastionPublicIp: required(address.PublicIp, "bastion PublicIp"),
  };
}
