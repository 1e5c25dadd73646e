import {
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  type EC2Client,
  type LaunchTemplate,
  type RequestLaunchTemplateData,
} from "@aws-sdk/client-ec2";
import { isLifeboatError } from "../../../model/errors.js";
import {
  claim,
  clientToken,
  deleting,
  hasTags,
  ownTags,
  required,
  runTag,
  send,
  tagList,
  tagSpec,
  type InstanceType,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";
import { deleteLeftoverInterfaces, findInstance } from "./machine-appliers.js";
import { pollUntil } from "./poll-until.js";

interface TemplateData {
  instanceType?: string;
  image?: unknown;
  keyPair?: unknown;
  groups: string[];
  userData?: string;
  monitoring?: boolean;
  ebsOptimized?: boolean;
  metadataOptions?: Record<string, unknown>;
  tagSpecifications: { resourceType: string; tags: Record<string, string> }[];
}
interface TemplateProps {
  templateName: string;
  versions: { number: number; description?: string; data: TemplateData }[];
}
interface GroupProps {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  launchTemplate?: { template: string; version: string };
  subnets: string[];
  targetGroups: string[];
  healthCheck: { type: string; gracePeriod: number };
  defaultCooldown: number;
  terminationPolicies: string[];
  capacityRebalance: boolean;
  newInstancesProtectedFromScaleIn: boolean;
  maxInstanceLifetime?: number;
  propagatedTags: string[];
}

/** Launch templates (unique name + client token) and scaling groups (unique name + tags). */
export const scalingAppliers: ApplierTable = {
  "create:launch-template": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<TemplateProps>;
      const name = spec.properties.templateName;
      const existing = await findTemplate(ec2, name);
      if (existing?.LaunchTemplateId) {
        claim(existing.Tags, ctx, `launch template ${name}`);
        return adopted({ id: existing.LaunchTemplateId, name });
      }
      const [first, ...rest] = [...spec.properties.versions].sort((a, b) => a.number - b.number);
      const made = await send("ec2.CreateLaunchTemplate", () =>
        ec2.send(
          new CreateLaunchTemplateCommand({
            LaunchTemplateName: name,
            ...(first?.description ? { VersionDescription: first.description } : {}),
            LaunchTemplateData: templateData(first?.data),
            ClientToken: clientToken(ctx.idempotencyKey),
            TagSpecifications: tagSpec("launch-template", ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      const id = required(made.LaunchTemplate?.LaunchTemplateId, "LaunchTemplateId");
      for (const version of rest) {
        await send("ec2.CreateLaunchTemplateVersion", () =>
          ec2.send(
            new CreateLaunchTemplateVersionCommand({
              LaunchTemplateId: id,
              ...(version.description ? { VersionDescription: version.description } : {}),
              LaunchTemplateData: templateData(version.data),
            }),
          ),
        );
      }
      return created({ id, name });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      let id = outputId(outputs);
      if (id === undefined) {
        const name = (step.input as { properties?: { templateName?: string } } | null)?.properties
          ?.templateName;
        const found = name === undefined ? undefined : await findTemplate(ec2, name);
        if (found && hasTags(found.Tags, { [runTag]: ctx.runId })) id = found.LaunchTemplateId;
      }
      if (id === undefined) return "absent";
      const templateId = id;
      return deleting("ec2.DeleteLaunchTemplate", () =>
        ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: templateId })),
      );
    },
  },

  "create:scaling-group": {
    async execute(step, ctx, { clients: { autoscaling } }) {
      const spec = ctx.input as TargetSpec<GroupProps>;
      const name = spec.name;
      const p = spec.properties;
      const existing = await findGroup(autoscaling, name);
      if (existing) {
        claim(existing.Tags, ctx, `scaling group ${name}`);
        return adopted({ id: name, arn: existing.AutoScalingGroupARN ?? null });
      }
      const propagate = new Set([...p.propagatedTags, "lifeboat:run", "lifeboat:source-id"]);
      propagate.add("lifeboat:environment");
      const tags = Object.entries(ownTags(ctx, resourceOf(step), spec)).map(([Key, Value]) => ({
        Key,
        Value,
        ResourceId: name,
        ResourceType: "auto-scaling-group",
        PropagateAtLaunch: propagate.has(Key),
      }));
      await send("autoscaling.CreateAutoScalingGroup", () =>
        autoscaling.send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: name,
            MinSize: p.minSize,
            MaxSize: p.maxSize,
            DesiredCapacity: p.desiredCapacity,
            ...(p.launchTemplate
              ? {
                  LaunchTemplate: {
                    LaunchTemplateId: p.launchTemplate.template,
                    Version: p.launchTemplate.version,
                  },
                }
              : {}),
            VPCZoneIdentifier: p.subnets.join(","),
            TargetGroupARNs: p.targetGroups,
            HealthCheckType: p.healthCheck.type,
            HealthCheckGracePeriod: p.healthCheck.gracePeriod,
            DefaultCooldown: p.defaultCooldown,
            TerminationPolicies: p.terminationPolicies,
            CapacityRebalance: p.capacityRebalance,
            NewInstancesProtectedFromScaleIn: p.newInstancesProtectedFromScaleIn,
            ...(p.maxInstanceLifetime ? { MaxInstanceLifetime: p.maxInstanceLifetime } : {}),
            Tags: tags,
          }),
        ),
      );
      const made = await findGroup(autoscaling, name);
      return created({ id: name, arn: made?.AutoScalingGroupARN ?? null });
    },
    async undo(step, outputs, ctx, { clients: { autoscaling, ec2 } }) {
      const name =
        outputId(outputs) ?? String((step.input as { name?: string } | null)?.name ?? "");
      const group = name === "" ? undefined : await findGroup(autoscaling, name);
      if (!group || !hasTags(group.Tags, { [runTag]: ctx.runId })) return "absent";
      const interfaces: string[] = [];
      for (const member of group.Instances ?? []) {
        if (!member.InstanceId) continue;
        const instance = await findInstance(ec2, [
          { Name: "instance-id", Values: [member.InstanceId] },
        ]);
        for (const n of instance?.NetworkInterfaces ?? []) {
          if (n.NetworkInterfaceId) interfaces.push(n.NetworkInterfaceId);
        }
      }
      await send("autoscaling.DeleteAutoScalingGroup", () =>
        autoscaling.send(
          new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }),
        ),
      );
      // Subnets and groups can go only once the group's machines are gone.
      await pollUntil(step, ctx, `machines of scaling group ${name} terminated`, async () => {
        const left = await findInstance(ec2, [
          { Name: "tag:aws:autoscaling:groupName", Values: [name] },
          {
            Name: "instance-state-name",
            Values: ["pending", "running", "stopping", "stopped", "shutting-down"],
          },
        ]);
        return left ? "pending" : "done";
      });
      await deleteLeftoverInterfaces(ec2, interfaces, ctx.logger);
      return "deleted";
    },
  },

  "wait:scaling-group": {
    async execute(step, ctx, { clients: { autoscaling } }) {
      const name = required((ctx.input as { resource?: string }).resource, "resource");
      let inService = 0;
      await pollUntil(step, ctx, `scaling group ${name} in service`, async () => {
        const group = await findGroup(autoscaling, name);
        if (!group) return { failed: "missing" };
        inService = (group.Instances ?? []).filter((i) => i.LifecycleState === "InService").length;
        return inService >= (group.DesiredCapacity ?? 0) ? "done" : "pending";
      });
      return { outputs: { id: name, inService } };
    },
  },
};

function templateData(data: TemplateData | undefined): RequestLaunchTemplateData {
  if (!data) return {};
  return {
    ...(data.instanceType ? { InstanceType: data.instanceType as InstanceType } : {}),
    ...(typeof data.image === "string" ? { ImageId: data.image } : {}),
    ...(typeof data.keyPair === "string" ? { KeyName: data.keyPair } : {}),
    ...(data.groups.length > 0 ? { SecurityGroupIds: data.groups } : {}),
    ...(data.userData ? { UserData: data.userData } : {}),
    ...(data.monitoring === undefined ? {} : { Monitoring: { Enabled: data.monitoring } }),
    ...(data.ebsOptimized === undefined ? {} : { EbsOptimized: data.ebsOptimized }),
    ...(data.metadataOptions ? { MetadataOptions: data.metadataOptions } : {}),
    ...(data.tagSpecifications.length > 0
      ? {
          TagSpecifications: data.tagSpecifications
            .filter((t) => t.resourceType !== "launch-template")
            .map((t) => ({
              ResourceType: t.resourceType as never,
              Tags: tagList(t.tags),
            })),
        }
      : {}),
  };
}

async function findTemplate(ec2: EC2Client, name: string): Promise<LaunchTemplate | undefined> {
  try {
    const found = await send("ec2.DescribeLaunchTemplates", () =>
      ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })),
    );
    return found.LaunchTemplates?.[0];
  } catch (error) {
    if (isLifeboatError(error, "LB_PROVIDER_NOT_FOUND")) return undefined;
    const awsCode = (error as { details?: { awsCode?: string } }).details?.awsCode;
    if (awsCode?.startsWith("InvalidLaunchTemplateName")) return undefined;
    throw error;
  }
}

async function findGroup(
  autoscaling: AutoScalingClient,
  name: string,
): Promise<AutoScalingGroup | undefined> {
  const found = await send("autoscaling.DescribeAutoScalingGroups", () =>
    autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
  );
  return found.AutoScalingGroups?.[0];
}
