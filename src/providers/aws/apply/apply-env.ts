import { createHash } from "node:crypto";
import type { Tag, TagSpecification, _InstanceType } from "@aws-sdk/client-ec2";
import type { StepContext, UndoContext } from "../../../execute/step-handler.js";
import { LifeboatError, isLifeboatError } from "../../../model/errors.js";
import type { AwsClients } from "../aws-connection.js";
import { mapAwsError } from "../map-aws-error.js";

/** Tag keys every resource Lifeboat creates carries (DESIGN.md, "Contracts"). */
export const runTag = "lifeboat:run";
export const sourceTag = "lifeboat:source-id";
export const environmentTag = "lifeboat:environment";

/** What an applier gets: the target region's SDK clients. */
export interface ApplyEnv {
  readonly clients: AwsClients;
  readonly region: string;
}

/** The spec a planner step carries (src/plan/target-spec.ts), after references were bound. */
export interface TargetSpec<P = Record<string, unknown>> {
  readonly name: string;
  readonly location: { readonly region: string; readonly zone?: string };
  readonly tags: Readonly<Record<string, string>>;
  readonly properties: P;
}

/**
 * The tags a created resource carries: the spec's (reserved `aws:*` left out) plus Lifeboat's
 * three, which always win over anything the source had.
 */
export function ownTags(
  ctx: Pick<StepContext, "runId" | "environment">,
  resource: string,
  spec?: { readonly tags?: Readonly<Record<string, string>> },
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec?.tags ?? {})) {
    if (!key.startsWith("aws:")) tags[key] = value;
  }
  return { ...tags, [runTag]: ctx.runId, [sourceTag]: resource, [environmentTag]: ctx.environment };
}

/** The tags that identify what one step of one run made (find-or-create and teardown). */
export function identity(ctx: Pick<UndoContext, "runId">, resource: string) {
  return { [runTag]: ctx.runId, [sourceTag]: resource };
}

export function tagList(tags: Readonly<Record<string, string>>): (Tag & { Key: string })[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function tagSpec(
  type: TagSpecification["ResourceType"],
  tags: Readonly<Record<string, string>>,
): TagSpecification[] {
  return [{ ResourceType: type, Tags: tagList(tags) }];
}

/** EC2 `Filters` matching every tag in `tags`. */
export function tagFilters(tags: Readonly<Record<string, string>>) {
  return Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}

/** A client token derived from the idempotency key: the same on every attempt, ≤ `max` chars. */
export function clientToken(key: string, max = 64): string {
  return createHash("sha256").update(key).digest("hex").slice(0, max);
}

/** A short digest of the run id, for names that must be unique per run. */
export function runSuffix(runId: string): string {
  return createHash("sha256").update(runId).digest("hex").slice(0, 8);
}

/** Whether a set of (AWS) tags holds every one of `wanted`. */
export function hasTags(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
  wanted: Readonly<Record<string, string>>,
): boolean {
  const have = new Map((tags ?? []).map((t) => [t.Key, t.Value]));
  return Object.entries(wanted).every(([k, v]) => have.get(k) === v);
}

/** Runs one SDK call, mapping failures (a dependency violation while deleting is retryable). */
export async function send<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const mapped = mapAwsError(error, operation);
    const name = (error as { name?: unknown } | null)?.name;
    if (typeof name === "string" && retryableNames.has(name)) {
      return Promise.reject(
        new LifeboatError(mapped.code, mapped.message, {
          cause: error,
          details: mapped.details,
          retryable: true,
        }),
      );
    }
    throw mapped;
  }
}

/** AWS answers these while something it depends on is still going away: retry later. */
const retryableNames = new Set([
  "DependencyViolation",
  "ResourceInUse",
  "ResourceInUseException",
  "InvalidDBInstanceState",
  "InvalidDBInstanceStateFault",
  "InvalidDBSubnetGroupStateFault",
  "IncorrectInstanceState",
  "InvalidIPAddress.InUse",
  "ScalingActivityInProgress",
  "ScalingActivityInProgressFault",
  "ResourceInUseFault",
  "InvalidDBSubnetGroupState",
  "HostedZoneNotEmpty",
]);

/** Runs a delete; "not found" means an earlier attempt (or AWS) already removed it. */
export async function deleting(
  operation: string,
  run: () => Promise<unknown>,
): Promise<"deleted" | "absent"> {
  try {
    await send(operation, run);
    return "deleted";
  } catch (error) {
    if (isLifeboatError(error, "LB_PROVIDER_NOT_FOUND") || isGone(error)) return "absent";
    throw error;
  }
}

/** Not-found errors whose names the generic mapping does not recognise. */
function isGone(error: unknown): boolean {
  const awsCode = (error as { details?: { awsCode?: unknown } }).details?.awsCode;
  return typeof awsCode === "string" && goneNames.has(awsCode);
}

const goneNames = new Set([
  "InvalidAllocationID.NotFound",
  "InvalidAssociationID.NotFound",
  "InvalidGroup.NotFound",
  "InvalidInternetGatewayID.NotFound",
  "Gateway.NotAttached",
  "InvalidRouteTableID.NotFound",
  "InvalidNetworkInterfaceID.NotFound",
  "LoadBalancerNotFound",
  "TargetGroupNotFound",
  "ListenerNotFound",
  "DBInstanceNotFound",
  "DBInstanceNotFoundFault",
  "DBSubnetGroupNotFoundFault",
  "InvalidLaunchTemplateName.NotFoundException",
  "InvalidLaunchTemplateId.NotFound",
  "InvalidAMIID.NotFound",
  "InvalidAMIID.Unavailable",
]);

/** A property the plan must carry: its absence is a broken plan, not a cloud failure. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) {
    throw new LifeboatError("LB_INVALID_INPUT", `step input has no ${what}`, {
      details: { field: what },
    });
  }
  return value;
}

export type InstanceType = _InstanceType;

/**
 * Resources AWS names uniquely (load balancers, groups, databases): one that exists under the
 * name but carries another run's tag is not ours to adopt → a conflict, not retried.
 */
export function claim(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
  ctx: Pick<UndoContext, "runId">,
  what: string,
): void {
  if (hasTags(tags, { [runTag]: ctx.runId })) return;
  throw new LifeboatError(
    "LB_PROVIDER_REQUEST_FAILED",
    `${what} already exists in the target and was not made by run ${ctx.runId}`,
    { details: { resource: what, runId: ctx.runId } },
  );
}

/** A name AWS accepts for load balancers and target groups: ≤ 32 of [A-Za-z0-9-]. */
export function elbName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9-]/g, "-")
    .slice(0, 32)
    .replace(/^-+|-+$/g, "");
}
