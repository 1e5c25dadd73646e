import type { AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import type {
  LaunchTemplateBlockDeviceMapping,
  ResponseLaunchTemplateData,
} from "@aws-sdk/client-ec2";
import { canonicalSet, ref, type PropertiesOf } from "../../model/inventory/index.js";
import type { BlockDevice } from "../../model/inventory/index.js";
import type { DiscoveredResource } from "../provider.js";
import { defined, jsonRecord, refs, targetGroupRef } from "./aws-ids.js";
import { allTags, nameOf, userTags } from "./aws-tags.js";
import type { Ec2Raw } from "./fetch-ec2.js";

type TemplateData = PropertiesOf<"launch-template">["versions"][number]["data"];

/** Machine id → scaling group name, from the tag AWS puts on every machine a group launches. */
export function managedMachines(raw: Ec2Raw): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of raw.instances) {
    const group = allTags(i.Tags)["aws:autoscaling:groupName"];
    if (group && i.InstanceId) out.set(i.InstanceId, group);
  }
  return out;
}

export function normaliseCompute(
  raw: Ec2Raw,
  region: string,
  managed: ReadonlyMap<string, string>,
): DiscoveredResource[] {
  const out: DiscoveredResource[] = [];
  const managedFact = (machine: string | undefined) => {
    const group = machine ? managed.get(machine) : undefined;
    return group ? { managedBy: `scaling-group:${group}` as const } : {};
  };
  for (const i of raw.instances) {
    const id = i.InstanceId ?? "";
    const primary = (i.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
    const privateIps = primary?.PrivateIpAddresses?.length
      ? [...primary.PrivateIpAddresses]
          .sort((a, b) => Number(b.Primary === true) - Number(a.Primary === true))
          .map((p) => p.PrivateIpAddress ?? "")
      : i.PrivateIpAddress
        ? [i.PrivateIpAddress]
        : [];
    out.push({
      facts: managedFact(id),
      resource: {
        id: `machine:${id}`,
        kind: "machine",
        providerId: id,
        name: nameOf(i.Tags, id),
        location: defined({ region, zone: i.Placement?.AvailabilityZone }),
        tags: userTags(i.Tags),
        properties: defined({
          instanceType: i.InstanceType ?? "",
          image: ref("image", i.ImageId ?? ""),
          subnet: i.SubnetId ? ref("subnet", i.SubnetId) : undefined,
          groups: refs(
            "security-group",
            (i.SecurityGroups ?? []).map((g) => g.GroupId),
          ),
          privateIps,
          keyPair: i.KeyName ? ref("key-pair", i.KeyName) : undefined,
          instanceProfile: i.IamInstanceProfile?.Arn
            ? ref("instance-profile", i.IamInstanceProfile.Arn)
            : undefined,
          userData: raw.userData.get(id),
          rootDevice: i.RootDeviceName,
          blockDevices: (i.BlockDeviceMappings ?? [])
            .map((b) => ({
              device: b.DeviceName ?? "",
              deleteOnTermination: b.Ebs?.DeleteOnTermination === true,
            }))
            .sort((a, b) => a.device.localeCompare(b.device)),
          architecture: i.Architecture,
          ebsOptimized: i.EbsOptimized === true,
          monitoring: i.Monitoring?.State === "enabled",
          sourceDestCheck: i.SourceDestCheck,
          tenancy: i.Placement?.Tenancy,
          metadataOptions: i.MetadataOptions
            ? jsonRecord({ ...i.MetadataOptions, State: undefined })
            : undefined,
        }),
      },
    });
  }
  for (const v of raw.volumes) {
    const id = v.VolumeId ?? "";
    const provisioned = v.VolumeType === "io1" || v.VolumeType === "io2" || v.VolumeType === "gp3";
    out.push({
      // A disk attached to a scaling group's machine came from the group's launch template.
      facts: managedFact(v.Attachments?.find((a) => managed.has(a.InstanceId ?? ""))?.InstanceId),
      resource: {
        id: `volume:${id}`,
        kind: "volume",
        providerId: id,
        name: nameOf(v.Tags, id),
        location: defined({ region, zone: v.AvailabilityZone }),
        tags: userTags(v.Tags),
        properties: defined({
          size: v.Size ?? 0,
          volumeType: v.VolumeType ?? "standard",
          iops: provisioned ? v.Iops : undefined,
          throughput: v.VolumeType === "gp3" ? v.Throughput : undefined,
          encrypted: v.Encrypted === true,
          kmsKey: v.KmsKeyId ? ref("kms-key", v.KmsKeyId) : undefined,
          snapshot: v.SnapshotId ? ref("snapshot", v.SnapshotId) : undefined,
          multiAttach: v.MultiAttachEnabled === true,
          attachments: (v.Attachments ?? [])
            .filter((a) => a.InstanceId)
            .map((a) => ({
              machine: ref("machine", a.InstanceId ?? ""),
              device: a.Device ?? "",
              deleteOnTermination: a.DeleteOnTermination === true,
            }))
            .sort((a, b) => a.machine.ref.localeCompare(b.machine.ref)),
        }),
      },
    });
  }
  for (const image of raw.images) {
    const id = image.ImageId ?? "";
    out.push({
      facts: {},
      resource: {
        id: `image:${id}`,
        kind: "image",
        providerId: id,
        name: nameOf(image.Tags, image.Name ?? id),
        location: { region },
        tags: userTags(image.Tags),
        properties: defined({
          imageName: image.Name ?? "",
          description: image.Description || undefined,
          architecture: image.Architecture,
          platform: image.Platform,
          rootDevice: image.RootDeviceName,
          virtualizationType: image.VirtualizationType,
          enaSupport: image.EnaSupport,
          owner: image.OwnerId ?? "",
          public: image.Public === true,
          blockDevices: (image.BlockDeviceMappings ?? []).map(blockDevice),
        }),
      },
    });
  }
  for (const t of raw.launchTemplates) {
    const id = t.LaunchTemplateId ?? "";
    const versions = (raw.templateVersions.get(id) ?? [])
      .map((v) =>
        defined({
          number: v.VersionNumber ?? 0,
          description: v.VersionDescription || undefined,
          data: templateData(v.LaunchTemplateData ?? {}),
        }),
      )
      .sort((a, b) => a.number - b.number);
    out.push({
      facts: {},
      resource: {
        id: `launch-template:${id}`,
        kind: "launch-template",
        providerId: id,
        name: nameOf(t.Tags, t.LaunchTemplateName ?? id),
        location: { region },
        tags: userTags(t.Tags),
        properties: {
          templateName: t.LaunchTemplateName ?? "",
          defaultVersion: t.DefaultVersionNumber ?? 1,
          latestVersion: t.LatestVersionNumber ?? 1,
          versions,
        },
      },
    });
  }
  return out;
}

function blockDevice(b: LaunchTemplateBlockDeviceMapping): BlockDevice {
  const ebs = b.Ebs;
  return defined({
    device: b.DeviceName ?? "",
    snapshot: ebs?.SnapshotId ? ref("snapshot", ebs.SnapshotId) : undefined,
    size: ebs?.VolumeSize,
    volumeType: ebs?.VolumeType,
    iops: ebs?.Iops,
    throughput: ebs?.Throughput,
    encrypted: ebs?.Encrypted,
    deleteOnTermination: ebs?.DeleteOnTermination,
    virtualName: b.VirtualName,
  });
}

function templateData(d: ResponseLaunchTemplateData): TemplateData {
  const profile = d.IamInstanceProfile?.Arn ?? d.IamInstanceProfile?.Name;
  return defined({
    instanceType: d.InstanceType,
    image: d.ImageId ? ref("image", d.ImageId) : undefined,
    keyPair: d.KeyName ? ref("key-pair", d.KeyName) : undefined,
    instanceProfile: profile ? ref("instance-profile", profile) : undefined,
    groups: refs("security-group", d.SecurityGroupIds ?? []),
    userData: d.UserData || undefined,
    blockDevices: (d.BlockDeviceMappings ?? []).map(blockDevice),
    networkInterfaces: (d.NetworkInterfaces ?? []).map((n) =>
      defined({
        deviceIndex: n.DeviceIndex,
        subnet: n.SubnetId ? ref("subnet", n.SubnetId) : undefined,
        groups: refs("security-group", n.Groups ?? []),
        associatePublicIpAddress: n.AssociatePublicIpAddress,
        deleteOnTermination: n.DeleteOnTermination,
      }),
    ),
    monitoring: d.Monitoring?.Enabled,
    ebsOptimized: d.EbsOptimized,
    metadataOptions: d.MetadataOptions
      ? jsonRecord({ ...d.MetadataOptions, State: undefined })
      : undefined,
    tagSpecifications: (d.TagSpecifications ?? []).map((s) => ({
      resourceType: s.ResourceType ?? "",
      tags: userTags(s.Tags),
    })),
  });
}

export function normaliseScalingGroups(
  groups: readonly AutoScalingGroup[],
  region: string,
): DiscoveredResource[] {
  return groups.map((g) => {
    const name = g.AutoScalingGroupName ?? "";
    const spec =
      g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    const tags = g.Tags ?? [];
    return {
      facts: {},
      resource: {
        id: `scaling-group:${name}` as const,
        kind: "scaling-group" as const,
        providerId: name,
        name: nameOf(tags, name),
        location: { region },
        tags: userTags(tags),
        properties: defined({
          minSize: g.MinSize ?? 0,
          maxSize: g.MaxSize ?? 0,
          desiredCapacity: g.DesiredCapacity ?? 0,
          launchTemplate: spec?.LaunchTemplateId
            ? {
                template: ref("launch-template", spec.LaunchTemplateId),
                version: spec.Version ?? "$Default",
              }
            : undefined,
          subnets: refs(
            "subnet",
            (g.VPCZoneIdentifier ?? "").split(",").map((s) => s.trim()),
          ),
          zones: [...(g.AvailabilityZones ?? [])].sort(),
          targetGroups: canonicalSet((g.TargetGroupARNs ?? []).map(targetGroupRef)),
          healthCheck: {
            type: g.HealthCheckType ?? "EC2",
            gracePeriod: g.HealthCheckGracePeriod ?? 0,
          },
          defaultCooldown: g.DefaultCooldown ?? 300,
          terminationPolicies: g.TerminationPolicies ?? ["Default"],
          capacityRebalance: g.CapacityRebalance === true,
          newInstancesProtectedFromScaleIn: g.NewInstancesProtectedFromScaleIn === true,
          maxInstanceLifetime: g.MaxInstanceLifetime || undefined,
          propagatedTags: tags
            .filter((t) => t.PropagateAtLaunch && t.Key && !t.Key.startsWith("aws:"))
            .map((t) => t.Key ?? "")
            .sort(),
        }),
      },
    };
  });
}
