import { z } from "zod";
import { diffVersions, loadVersion, type VersionRef } from "../../capture/stored-versions.js";
import type { InventoryVersion } from "../../capture/version-ports.js";
import { isEmptyDiff, referencesOf } from "../../model/inventory/index.js";
import { listInventoryVersions } from "../../store/inventory-versions-repo.js";
import { route } from "../route.js";
import { visibleEnvironment } from "../tenancy.js";
import { envParams } from "./environment-routes.js";

const versionNumber = z.coerce.number().int().min(1);

const versionSchema = z.object({
  version: z.number(),
  capturedAt: z.string(),
  lastSeenAt: z.string(),
  digest: z.string(),
  counts: z.record(z.string(), z.number()),
  /** A version that is not a capture of the primary: `copy:<failover run>` (a failback's). */
  label: z.string().optional(),
});

function versionJson(v: InventoryVersion): z.infer<typeof versionSchema> {
  return {
    version: v.version,
    capturedAt: v.capturedAt.toISOString(),
    lastSeenAt: v.lastSeenAt.toISOString(),
    digest: v.digest,
    counts: { ...v.counts },
    ...(v.label === undefined ? {} : { label: v.label }),
  };
}

const refOf = (version: number | undefined): VersionRef =>
  version === undefined ? { latest: true } : { version };

/** Inventory versions, the dependency graph of one, and the diff of two. */
export const versionRoutes = [
  route({
    method: "GET",
    url: "/api/v1/environments/:env/versions",
    summary: "Inventory versions, newest first.",
    role: "viewer",
    params: envParams,
    response: z.object({ versions: z.array(versionSchema) }),
    handler: async ({ deps, principal, params }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      const versions = await listInventoryVersions(deps.store, environment.name);
      return { versions: versions.map(versionJson) };
    },
  }),
  route({
    method: "GET",
    url: "/api/v1/environments/:env/graph",
    summary: "The resources of a version (default latest) and their symbolic references.",
    role: "viewer",
    params: envParams,
    query: z.strictObject({ version: versionNumber.optional() }),
    response: z.object({
      version: z.number(),
      nodes: z.array(z.object({ id: z.string(), kind: z.string(), name: z.string() })),
      edges: z.array(z.object({ from: z.string(), to: z.string(), path: z.string() })),
    }),
    handler: async ({ deps, principal, params, query }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      const loaded = await loadVersion(
        await deps.inventories(environment.name),
        environment.name,
        refOf(query.version),
      );
      const resources = loaded.inventory.resources;
      return {
        version: loaded.version.version,
        nodes: resources.map((r) => ({ id: r.id, kind: r.kind, name: r.name })),
        edges: resources.flatMap((r) =>
          referencesOf(r).map((ref) => ({ from: r.id, to: ref.target, path: ref.path })),
        ),
      };
    },
  }),
  route({
    method: "GET",
    url: "/api/v1/environments/:env/diff",
    summary:
      "What changed between versions `from` (default: before `to`) and `to` (default: latest).",
    role: "viewer",
    params: envParams,
    query: z.strictObject({
      from: versionNumber.optional(),
      to: versionNumber.optional(),
    }),
    response: z.object({
      from: versionSchema,
      to: versionSchema,
      identical: z.boolean(),
      added: z.array(z.unknown()),
      removed: z.array(z.unknown()),
      changed: z.array(z.unknown()),
    }),
    handler: async ({ deps, principal, params, query }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      const d = await diffVersions(await deps.inventories(environment.name), environment.name, {
        ...(query.from === undefined ? {} : { from: refOf(query.from) }),
        to: refOf(query.to),
      });
      return {
        ...d.diff,
        from: versionJson(d.from),
        to: versionJson(d.to),
        identical: isEmptyDiff(d.diff),
      };
    },
  }),
];
