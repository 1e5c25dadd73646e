import { randomBytes } from "node:crypto";
import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBInstanceCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type DBInstance,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { isLifeboatError } from "../../../model/errors.js";
import {
  claim,
  deleting,
  hasTags,
  ownTags,
  required,
  runTag,
  send,
  tagList,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";
import { pollUntil } from "./poll-until.js";

interface DatabaseProps {
  engine: string;
  engineVersion: string;
  instanceClass: string;
  allocatedStorage: number;
  maxAllocatedStorage?: number;
  storageType?: string;
  iops?: number;
  storageEncrypted: boolean;
  multiAz: boolean;
  subnetGroup?: string;
  groups: string[];
  port?: number;
  masterUsername?: string;
  dbName?: string;
  backupRetentionPeriod: number;
  preferredBackupWindow?: string;
  preferredMaintenanceWindow?: string;
  publiclyAccessible: boolean;
  deletionProtection: boolean;
  iamAuthentication: boolean;
  autoMinorVersionUpgrade: boolean;
  copyTagsToSnapshot: boolean;
  licenseModel?: string;
  /** A snapshot already in the target region (a copied one): restore instead of create. */
  snapshot?: unknown;
}

/**
 * DB subnet groups and instances, unique by name. An instance is restored from a snapshot when
 * the spec names one in the target, else created from the captured properties; both always get
 * the subnet group and zone (moto keeps the source's otherwise).
 */
export const databaseAppliers: ApplierTable = {
  "create:db-subnet-group": {
    async execute(step, ctx, { clients: { rds } }) {
      const spec = ctx.input as TargetSpec<{
        groupName: string;
        description: string;
        subnets: string[];
      }>;
      const name = spec.properties.groupName;
      const existing = await findSubnetGroup(rds, name);
      if (existing) {
        claim(await tagsOf(rds, existing), ctx, `DB subnet group ${name}`);
        return adopted({ id: name });
      }
      await send("rds.CreateDBSubnetGroup", () =>
        rds.send(
          new CreateDBSubnetGroupCommand({
            DBSubnetGroupName: name,
            DBSubnetGroupDescription: spec.properties.description || name,
            SubnetIds: spec.properties.subnets,
            Tags: tagList(ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return created({ id: name });
    },
    async undo(step, outputs, ctx, { clients: { rds } }) {
      const name =
        outputId(outputs) ??
        (step.input as { properties?: { groupName?: string } } | null)?.properties?.groupName;
      const arn = name === undefined ? undefined : await findSubnetGroup(rds, name);
      if (arn === undefined || name === undefined) return "absent";
      if (!hasTags(await tagsOf(rds, arn), { [runTag]: ctx.runId })) return "absent";
      return deleting("rds.DeleteDBSubnetGroup", () =>
        rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: name })),
      );
    },
  },

  "create:database": {
    async execute(step, ctx, { clients: { rds } }) {
      const spec = ctx.input as TargetSpec<DatabaseProps>;
      const id = dbIdentifier(spec.name);
      const existing = await findDatabase(rds, id);
      if (existing) {
        claim(existing.TagList, ctx, `database ${id}`);
        return adopted(databaseOutputs(existing));
      }
      const p = spec.properties;
      const tags = tagList(ownTags(ctx, resourceOf(step), spec));
      const placement = {
        DBSubnetGroupName: p.subnetGroup,
        ...(p.multiAz ? { MultiAZ: true } : { AvailabilityZone: spec.location.zone }),
        VpcSecurityGroupIds: p.groups,
        DBInstanceClass: p.instanceClass,
        PubliclyAccessible: p.publiclyAccessible,
        ...(p.port === undefined ? {} : { Port: p.port }),
        Tags: tags,
      };
      const made =
        typeof p.snapshot === "string"
          ? await send("rds.RestoreDBInstanceFromDBSnapshot", () =>
              rds.send(
                new RestoreDBInstanceFromDBSnapshotCommand({
                  DBInstanceIdentifier: id,
                  DBSnapshotIdentifier: p.snapshot as string,
                  ...placement,
                }),
              ),
            )
          : await send("rds.CreateDBInstance", () =>
              rds.send(
                new CreateDBInstanceCommand({
                  DBInstanceIdentifier: id,
                  Engine: p.engine,
                  EngineVersion: p.engineVersion,
                  AllocatedStorage: p.allocatedStorage,
                  ...(p.maxAllocatedStorage ? { MaxAllocatedStorage: p.maxAllocatedStorage } : {}),
                  ...(p.storageType ? { StorageType: p.storageType } : {}),
                  ...(p.iops ? { Iops: p.iops } : {}),
                  StorageEncrypted: p.storageEncrypted,
                  ...(p.masterUsername ? { MasterUsername: p.masterUsername } : {}),
                  // No data comes with a fresh instance; its password is reset by the operator.
                  MasterUserPassword: randomBytes(18).toString("base64url"),
                  ...(p.dbName ? { DBName: p.dbName } : {}),
                  BackupRetentionPeriod: p.backupRetentionPeriod,
                  ...(p.preferredBackupWindow
                    ? { PreferredBackupWindow: p.preferredBackupWindow }
                    : {}),
                  ...(p.preferredMaintenanceWindow
                    ? { PreferredMaintenanceWindow: p.preferredMaintenanceWindow }
                    : {}),
                  DeletionProtection: p.deletionProtection,
                  EnableIAMDatabaseAuthentication: p.iamAuthentication,
                  AutoMinorVersionUpgrade: p.autoMinorVersionUpgrade,
                  CopyTagsToSnapshot: p.copyTagsToSnapshot,
                  ...(p.licenseModel ? { LicenseModel: p.licenseModel } : {}),
                  ...placement,
                }),
              ),
            );
      return created(databaseOutputs(required(made.DBInstance, "DBInstance in the answer")));
    },
    async undo(step, outputs, ctx, { clients: { rds } }) {
      const id =
        outputId(outputs) ?? dbIdentifier(String((step.input as { name?: string })?.name ?? ""));
      const db = await findDatabase(rds, id);
      if (!db || !hasTags(db.TagList, { [runTag]: ctx.runId })) return "absent";
      if (db.DeletionProtection) {
        await send("rds.ModifyDBInstance", () =>
          rds.send(
            new ModifyDBInstanceCommand({
              DBInstanceIdentifier: id,
              DeletionProtection: false,
              ApplyImmediately: true,
            }),
          ),
        );
      }
      if (db.DBInstanceStatus !== "deleting") {
        await deleting("rds.DeleteDBInstance", () =>
          rds.send(
            new DeleteDBInstanceCommand({
              DBInstanceIdentifier: id,
              SkipFinalSnapshot: true,
              DeleteAutomatedBackups: true,
            }),
          ),
        );
      }
      await pollUntil(step, ctx, `database ${id} deleted`, async () =>
        (await findDatabase(rds, id)) ? "pending" : "done",
      );
      return "deleted";
    },
  },

  "wait:database": {
    async execute(step, ctx, { clients: { rds } }) {
      const id = required((ctx.input as { resource?: string }).resource, "resource");
      let db: DBInstance | undefined;
      await pollUntil(step, ctx, `database ${id} available`, async () => {
        db = await findDatabase(rds, id);
        const state = db?.DBInstanceStatus;
        if (state === "available") return "done";
        return state === undefined || /fail|incompatible|deleting/.test(state)
          ? { failed: state ?? "missing" }
          : "pending";
      });
      return { outputs: db ? databaseOutputs(db) : { id } };
    },
  },
};

/** RDS identifiers: letters, digits and single hyphens, starting with a letter, ≤ 63. */
function dbIdentifier(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 63)
    .replace(/^[^a-z]+|-+$/g, "");
  return id === "" ? "lifeboat-db" : id;
}

function databaseOutputs(db: DBInstance) {
  return {
    id: required(db.DBInstanceIdentifier, "DBInstanceIdentifier"),
    arn: db.DBInstanceArn ?? null,
    endpoint: db.Endpoint?.Address ?? null,
    port: db.Endpoint?.Port ?? null,
  };
}

async function findDatabase(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  try {
    const found = await send("rds.DescribeDBInstances", () =>
      rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
    );
    return found.DBInstances?.[0];
  } catch (error) {
    if (isLifeboatError(error, "LB_PROVIDER_NOT_FOUND")) return undefined;
    throw error;
  }
}

/** The group's ARN when it exists. */
async function findSubnetGroup(rds: RDSClient, name: string): Promise<string | undefined> {
  try {
    const found = await send("rds.DescribeDBSubnetGroups", () =>
      rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name })),
    );
    return found.DBSubnetGroups?.[0]?.DBSubnetGroupArn;
  } catch (error) {
    if (isLifeboatError(error, "LB_PROVIDER_NOT_FOUND")) return undefined;
    throw error;
  }
}

async function tagsOf(rds: RDSClient, arn: string) {
  const found = await send("rds.ListTagsForResource", () =>
    rds.send(new ListTagsForResourceCommand({ ResourceName: arn })),
  );
  return found.TagList ?? [];
}
