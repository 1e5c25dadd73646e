import {
  CopyImageCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  type EC2Client,
  type Image,
} from "@aws-sdk/client-ec2";
import type { ExecutableStep } from "../../../execute/execution-plan.js";
import {
  clientToken,
  deleting,
  identity,
  ownTags,
  required,
  runSuffix,
  send,
  tagFilters,
  tagList,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";
import { pollUntil } from "./poll-until.js";

interface ImageSpec {
  imageName: string;
  description?: string;
}

/**
 * Images are copied from the source region. CopyImage cannot tag (moto drops the tags), so the
 * copy is named `<name>-<run digest>` and found again by that name; the tags follow at once.
 */
export const imageAppliers: ApplierTable = {
  "copy:image": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<ImageSpec> & {
        source: { region: string; imageId: string };
      };
      const name = copyName(spec.name, ctx.runId);
      let image = await findImage(ec2, tagFilters(identity(ctx, resourceOf(step))));
      image ??= await findImage(ec2, [{ Name: "name", Values: [name] }]);
      const existed = image?.ImageId !== undefined;
      const id =
        image?.ImageId ??
        required(
          (
            await send("ec2.CopyImage", () =>
              ec2.send(
                new CopyImageCommand({
                  Name: name,
                  Description: spec.properties.description,
                  SourceImageId: spec.source.imageId,
                  SourceRegion: spec.source.region,
                  ClientToken: clientToken(ctx.idempotencyKey),
                }),
              ),
            )
          ).ImageId,
          "ImageId in the CopyImage answer",
        );
      await send("ec2.CreateTags", () =>
        ec2.send(
          new CreateTagsCommand({
            Resources: [id],
            Tags: tagList(ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return existed ? adopted({ id }) : created({ id });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id = outputId(outputs);
      const image =
        (id ? await findImage(ec2, [{ Name: "image-id", Values: [id] }]) : undefined) ??
        (await findImage(ec2, tagFilters(identity(ctx, resourceOf(step)))));
      const imageId = image?.ImageId;
      if (imageId === undefined) return "absent";
      await deleting("ec2.DeregisterImage", () =>
        ec2.send(new DeregisterImageCommand({ ImageId: imageId })),
      );
      // The copy made its own snapshots; they would outlive the image.
      for (const mapping of image?.BlockDeviceMappings ?? []) {
        const snapshot = mapping.Ebs?.SnapshotId;
        if (snapshot === undefined) continue;
        await deleting("ec2.DeleteSnapshot", () =>
          ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshot })),
        );
      }
      return "deleted";
    },
  },

  "adopt:image": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<ImageSpec>;
      const found = await findImage(ec2, [{ Name: "name", Values: [spec.properties.imageName] }]);
      // A mapped image is bound by its id in the plan already; this only reports it.
      return adopted({ id: found?.ImageId ?? "", mapped: true });
    },
  },

  "wait:image": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const id = required((ctx.input as { resource?: string }).resource, "resource");
      await waitImage(step, ctx, ec2, id);
      return { outputs: { id, state: "available" } };
    },
  },
};

function copyName(name: string, runId: string): string {
  return `${name}-${runSuffix(runId)}`.slice(0, 128);
}

async function waitImage(
  step: ExecutableStep,
  ctx: Parameters<typeof pollUntil>[1],
  ec2: EC2Client,
  id: string,
): Promise<void> {
  await pollUntil(step, ctx, `image ${id} available`, async () => {
    const state = (await findImage(ec2, [{ Name: "image-id", Values: [id] }]))?.State;
    if (state === "available") return "done";
    return state === "pending" ? "pending" : { failed: state ?? "missing" };
  });
}

async function findImage(
  ec2: EC2Client,
  filters: { Name: string; Values: string[] }[],
): Promise<Image | undefined> {
  const found = await send("ec2.DescribeImages", () =>
    ec2.send(new DescribeImagesCommand({ Owners: ["self"], Filters: filters })),
  );
  return found.Images?.[0];
}
