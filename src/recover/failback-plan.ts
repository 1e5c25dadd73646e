import type { ExecutableStep, ExecutionPlan } from "../execute/execution-plan.js";
import { isRef, parseLogicalId, type Inventory, type Resource } from "../model/inventory/index.js";
import type { AttachedWorkflows } from "../model/plan/workflow-points.js";
import type { JsonValue } from "../store/codec.js";
import { withFailbackWorkflows } from "./failback-workflow-steps.js";

export const failbackPlanFormat = "lifeboat.failback/v1";

/** A provider connection of the config and its region. */
export interface ConnectionRef {
  readonly connection: string;
  readonly region: string;
}

/**
 * The plan of a failback run: the executor's steps plus where they came from. `target` is the
 * side that served during the failover (the copy): the run's executor is wired to it, so the
 * failover run's teardown (which deletes the copy) uses its handlers; the steps themselves name
 * the connection they act on (`source` for the primary).
 */
export interface FailbackPlan extends ExecutionPlan {
  readonly format: typeof failbackPlanFormat;
  readonly environment: string;
  readonly failoverRunId: string;
  /** The inventory version the failover rebuilt: the primary as it was before the failover. */
  readonly inventoryVersion: number;
  readonly source: ConnectionRef;
  readonly target: ConnectionRef;
  readonly steps: readonly ExecutableStep[];
}

export interface FailbackPlanRequest {
  readonly environment: string;
  readonly failoverRunId: string;
  readonly inventoryVersion: number;
  /** The pre-failover inventory of the primary. */
  readonly inventory: Inventory;
  readonly source: ConnectionRef;
  readonly target: ConnectionRef;
  /** The volumes the failover hydrated on the copy (its succeeded `hydrate` steps). */
  readonly hydrated?: readonly HydratedVolume[];
  /** When the failover run started (ISO 8601): only recovery points after it are synced. */
  readonly failoverStartedAt?: string;
  /** `recovery.workflows` of the environment; a failback honours its failback points. */
  readonly workflows?: AttachedWorkflows;
  /**
   * Primary volume ids the config's agent binds with `mode: cbt`, and how their snapshots are
   * had: the copy's volume of each is read the same way through the target for the final delta.
   */
  readonly cbtVolumes?: Readonly<Record<string, "create" | "tagged">>;
  /** Primary machine provider id → the copy's instance id (the failover's machine steps). */
  readonly copyMachines?: Readonly<Record<string, string>>;
}

/** One volume the failover made on the copy from a recovery point. */
export interface HydratedVolume {
  /** The volume's logical id in the inventory (`volume:vol-…`). */
  readonly resource: string;
  /** The repository snapshot the copy's volume was written from. */
  readonly point: string;
  /** The copy's volume id. */
  readonly copyVolume: string | null;
}

const ofKind = <K extends Resource["kind"]>(inventory: Inventory, kind: K) =>
  inventory.resources.filter((r): r is Resource & { kind: K } => r.kind === kind);

/**
 * Plans a failback (docs/recovery.md, "Failback"). Pure: the same request gives the same plan.
 *
 * The primary's resources are adopted, never created: they are the inventory's own provider
 * ids, so a failback cannot duplicate them. Steps:
 * 0. `capture:copy` — the copy (what the failover made, by its run tag) captured and stored as an
 *    inventory version labelled `copy:<failover run>` (src/recover/capture-copy-step.ts);
 *    `sync-back:<volume>` per volume the failover hydrated — the newest recovery point of the
 *    volume (written on the copy after the failover) hydrated into the primary's region and
 *    swapped onto the primary machine (src/recover/sync-back-step.ts);
 *    `rebuild:<machine>` per machine — a survivor is adopted, a lost one launched again in the
 *    primary's region with the recovery engine's machine applier (sync-backs attach to it);
 * 1. `release:source` (after every sync-back and rebuild) — scaling groups back to their captured sizes and stopped machines
 *    started (undoes a failover's fence, or an outage's aftermath);
 * 2. `dns-move:<zone>` per public zone — the records that pointed at a load balancer of the
 *    primary before the failover are pointed at it again (after the release).
 * Workflows attached at `before-sync-back`, `before-dns` and `after-dns` are added as
 * `workflow` steps (src/recover/failback-workflow-steps.ts); each `sync-back` says where its
 * final delta comes from (`finalDelta`: `cbt` when the agent binds the volume with `mode: cbt`
 * — the step reads the copy's volume itself —, else `workflow` when a `before-sync-back`
 * workflow runs first, else `none`: the newest point the copy's agent recorded).
 * Tearing down the copy and marking the environment `active` follow once these succeeded
 * (src/recover/failback-environment.ts), from the run's journal, so a resume completes them.
 */
export function planFailback(request: FailbackPlanRequest): FailbackPlan {
  const { inventory, source } = request;
  const key = (step: string) => `failback/${request.failoverRunId}/${step}`;
  const groups = ofKind(inventory, "scaling-group").map((g) => ({
    name: g.providerId,
    minSize: g.properties.minSize,
    maxSize: g.properties.maxSize,
    desiredCapacity: g.properties.desiredCapacity,
  }));
  const rebuilds = rebuildSteps(request, key);
  const delta = (request.workflows?.["before-sync-back"] ?? []).length > 0 ? "workflow" : "none";
  const syncs = syncSteps(request, key, delta);
  const capture: ExecutableStep = {
    id: "capture:copy",
    kind: "capture-copy",
    dependsOn: [],
    idempotencyKey: key("capture-copy"),
    summary: `capture the copy in ${request.target.connection} (${request.target.region}) before it goes`,
    input: { connection: request.target.connection, failoverRunId: request.failoverRunId },
  };
  const release: ExecutableStep = {
    id: "release:source",
    kind: "release",
    dependsOn: [...rebuilds, ...syncs].map((s) => s.id),
    idempotencyKey: key("release"),
    summary: `give ${source.connection} (${source.region}) its capacity back`,
    input: {
      connection: source.connection,
      scalingGroups: groups,
      instances: ofKind(inventory, "machine").map((m) => m.providerId),
    },
  };
  return {
    format: failbackPlanFormat,
    environment: request.environment,
    failoverRunId: request.failoverRunId,
    inventoryVersion: request.inventoryVersion,
    source,
    target: request.target,
    steps: withFailbackWorkflows({
      steps: [
        capture,
        ...rebuilds,
        ...syncs,
        release,
        ...dnsSteps(inventory, source.connection, release.id, key),
      ],
      workflows: request.workflows ?? {},
      key,
      copyMachines: request.copyMachines ?? {},
      primaryMachines: Object.fromEntries(
        ofKind(inventory, "machine").map((m) => [m.providerId, { ref: m.id }]),
      ),
    }),
    bindings: Object.fromEntries(rebuilds.map((r) => [r.resource ?? "", r.id])),
  };
}

/**
 * One `rebuild` per machine of the inventory (scaling groups' members are not in it): the spec
 * the recovery engine's machine applier launches from, with every reference replaced by the
 * primary's own id (they are the source's resources, adopted, never rebuilt).
 */
function rebuildSteps(request: FailbackPlanRequest, key: (step: string) => string) {
  return ofKind(request.inventory, "machine").map((m): ExecutableStep => ({
    id: `rebuild:${m.id}`,
    kind: "rebuild",
    dependsOn: [],
    idempotencyKey: key(`rebuild/${m.providerId}`),
    resource: m.id,
    resourceKind: "machine",
    summary: `adopt ${m.providerId}, or launch it again in ${request.source.region} if it is gone`,
    input: {
      connection: request.source.connection,
      machine: m.providerId,
      spec: {
        name: m.name,
        location: { ...m.location },
        tags: {
          ...m.tags,
          "lifeboat:environment": request.environment,
          "lifeboat:source-id": m.id,
        },
        properties: primaryIds(m.properties) as JsonValue,
      },
    },
  }));
}

/** A reference to one of the primary's resources is that resource's provider id there. */
function primaryIds(value: unknown): unknown {
  if (isRef(value)) {
    const id = parseLogicalId(value.ref)?.providerId ?? value.ref;
    // An instance profile is launched by name; the inventory may hold its ARN.
    return value.ref.startsWith("instance-profile:") ? id.slice(id.lastIndexOf("/") + 1) : id;
  }
  if (Array.isArray(value)) return value.map(primaryIds);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, primaryIds(v)]));
  }
  return value;
}

/**
 * One `sync-back` per hydrated volume of the inventory (sorted by id), with the primary
 * machine and device it was attached at (the first attachment; a root device is never
 * hydrated, so never swapped).
 */
function syncSteps(
  request: FailbackPlanRequest,
  key: (step: string) => string,
  finalDelta: "workflow" | "none",
): ExecutableStep[] {
  const byId = new Map(request.inventory.resources.map((r) => [r.id, r]));
  const after = request.failoverStartedAt ?? new Date(0).toISOString();
  return [...(request.hydrated ?? [])]
    .sort((a, b) => a.resource.localeCompare(b.resource))
    .flatMap((h) => {
      const volume = byId.get(h.resource as Resource["id"]);
      if (volume?.kind !== "volume") return [];
      const attachment = volume.properties.attachments[0];
      const machine = attachment ? byId.get(attachment.machine.ref) : undefined;
      const onMachine = machine?.kind === "machine";
      return [
        {
          id: `sync-back:${volume.id}`,
          kind: "sync-back",
          // Bound to the rebuild's output: the survivor, or the machine launched in its place.
          dependsOn: onMachine ? [`rebuild:${machine.id}`] : [],
          idempotencyKey: key(`sync-back/${volume.providerId}`),
          resource: volume.id,
          resourceKind: "volume",
          summary: `carry ${volume.providerId}'s data written on the copy back to ${request.source.region}`,
          input: {
            connection: request.source.connection,
            volume: volume.providerId,
            copyVolume: h.copyVolume,
            hydratedPoint: h.point,
            after,
            name: volume.name,
            zone: volume.location.zone ?? `${request.source.region}a`,
            volumeType: volume.properties.volumeType,
            machine: onMachine ? { ref: machine.id } : null,
            device: onMachine && attachment ? attachment.device : null,
            tags: { ...volume.tags },
            ...finalDeltaOf(request, volume.providerId, h.copyVolume, finalDelta),
          },
        },
      ];
    });
}

/**
 * Where a sync-back's final delta comes from: the copy volume's CBT when the agent binds the
 * volume with `mode: cbt` (Lifeboat reads it from the server, through the failover's target),
 * else the `before-sync-back` workflow, else none.
 */
function finalDeltaOf(
  request: FailbackPlanRequest,
  volume: string,
  copyVolume: string | null,
  otherwise: "workflow" | "none",
): { finalDelta: string; cbt?: JsonValue } {
  const snapshots = request.cbtVolumes?.[volume];
  if (snapshots === undefined || copyVolume === null) return { finalDelta: otherwise };
  return {
    finalDelta: "cbt",
    cbt: { connection: request.target.connection, volume: copyVolume, snapshots },
  };
}

/** One `dns-move` per public zone, for the records that aliased a load balancer. */
function dnsSteps(
  inventory: Inventory,
  connection: string,
  after: string,
  key: (step: string) => string,
): ExecutableStep[] {
  const byId = new Map(inventory.resources.map((r) => [r.id, r]));
  const moves = new Map<string, { zone: string; balancer: string; records: string[] }>();
  for (const record of ofKind(inventory, "dns-record")) {
    const zone = byId.get(record.properties.zone.ref);
    const target = record.properties.alias?.target;
    const balancer = target && "ref" in target ? byId.get(target.ref) : undefined;
    if (zone?.kind !== "dns-zone" || zone.properties.private) continue;
    if (balancer?.kind !== "load-balancer") continue;
    const id = `${zone.properties.zoneName}→${balancer.providerId}`;
    const move = moves.get(id) ?? {
      zone: zone.properties.zoneName,
      balancer: balancer.providerId,
      records: [],
    };
    move.records.push(record.properties.recordName);
    moves.set(id, move);
  }
  return [...moves.values()].map((move, i) => ({
    id: `dns-move:${move.zone}${i === 0 ? "" : `#${i}`}`,
    kind: "dns-move",
    dependsOn: [after],
    idempotencyKey: key(`dns-move/${move.zone}/${i}`),
    summary: `point ${move.records.join(", ")} back at the primary's load balancer`,
    input: {
      connection,
      zone: move.zone,
      records: [...new Set(move.records)].sort(),
      to: { loadBalancer: move.balancer },
    },
  }));
}
