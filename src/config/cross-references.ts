import { parseDuration, type LifeboatConfig } from "../model/config.js";
import { cycleWorkflow } from "../model/cycle-workflow.js";
import { closestMatch } from "./did-you-mean.js";

/** Reports one problem at a key path. */
export type ReportProblem = (path: readonly PropertyKey[], message: string) => void;

/** Tag keys Lifeboat puts on what it creates; a mapping may not set them (DESIGN.md). */
const reservedTagPrefix = "lifeboat:";

function unknownProvider(name: string, known: readonly string[]): string {
  if (known.length === 0)
    return `unknown provider "${name}" (no providers are defined; add one under providers)`;
  const hint = closestMatch(name, known);
  return `unknown provider "${name}" (known: ${known.join(", ")})${hint ? `; did you mean "${hint}"?` : ""}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Checks that every provider an environment names exists. Works on the raw file data so an
 * unknown provider is reported together with schema problems, not only once they are fixed.
 */
export function checkProviderNames(raw: unknown, report: ReportProblem): void {
  if (!isRecord(raw) || !isRecord(raw.environments)) return;
  const known = isRecord(raw.providers) ? Object.keys(raw.providers) : [];
  for (const [name, env] of Object.entries(raw.environments)) {
    if (!isRecord(env)) continue;
    const recovery = isRecord(env.recovery) ? env.recovery : {};
    const references: [PropertyKey[], unknown][] = [
      [["source"], env.source],
      [["recovery", "target"], recovery.target],
    ];
    if (Array.isArray(recovery.targets)) {
      recovery.targets.forEach((t, i) => references.push([["recovery", "targets", i], t]));
    }
    // A provider probe asks the API of a named connection.
    if (Array.isArray(env.health)) {
      env.health.forEach((check, i) => {
        const probe = isRecord(check) && isRecord(check.provider) ? check.provider : undefined;
        if (probe) references.push([["health", i, "provider", "connection"], probe.connection]);
      });
    }
    const agentVolumes =
      isRecord(env.agent) && isRecord(env.agent.volumes) ? env.agent.volumes : {};
    for (const [id, binding] of Object.entries(agentVolumes)) {
      if (isRecord(binding) && binding.connection !== undefined) {
        references.push([["agent", "volumes", id, "connection"], binding.connection]);
      }
    }
    if (Array.isArray(env.protect)) {
      env.protect.forEach((item, i) => {
        const prestage = isRecord(item) && isRecord(item.prestage) ? item.prestage : undefined;
        if (prestage)
          references.push([["protect", i, "prestage", "connection"], prestage.connection]);
      });
    }
    for (const [path, value] of references) {
      if (typeof value === "string" && !known.includes(value)) {
        report(["environments", name, ...path], unknownProvider(value, known));
      }
    }
  }
}

/**
 * Checks that need more than one value: zones match the regions, schedules can meet their RPO,
 * probes time out before the next one is due, DNS records sit in their zone. Runs after the
 * schema, on a config that has passed it.
 */
export function checkReferences(config: LifeboatConfig, report: ReportProblem): void {
  for (const [name, env] of Object.entries(config.environments)) {
    const at = (...rest: PropertyKey[]) => ["environments", name, ...rest];
    const source = config.providers[env.source];
    // With `targets`, an explicit zone must be in one of their regions.
    const regions = env.recovery.targets.flatMap((t) => config.providers[t]?.region ?? []);

    for (const [from, to] of Object.entries(env.recovery.mapping.zones)) {
      if (source && !from.startsWith(source.region)) {
        report(
          at("recovery", "mapping", "zones", from),
          `zone "${from}" is not in the source region ${source.region}`,
        );
      }
      if (regions.length > 0 && !regions.some((region) => to.startsWith(region))) {
        report(
          at("recovery", "mapping", "zones", from),
          `zone "${to}" is not in the target region ${regions.join(" or ")}`,
        );
      }
    }
    for (const key of Object.keys(env.recovery.mapping.tags ?? {})) {
      if (key.startsWith(reservedTagPrefix)) {
        report(
          at("recovery", "mapping", "tags", key),
          `tag keys starting with "${reservedTagPrefix}" are reserved for Lifeboat; rename it`,
        );
      }
    }
    env.protect.forEach((item, i) => {
      const every = item.every === undefined ? undefined : parseDuration(item.every);
      const rpo = parseDuration(item.rpo) ?? 0;
      // For PostgreSQL `every` spaces base backups; WAL archiving keeps the rpo between them.
      if (every !== undefined && every > rpo && item.postgres === undefined) {
        report(
          at("protect", i, "every"),
          `every ${item.every} cannot meet rpo ${item.rpo}; make it ${item.rpo} or shorter`,
        );
      }
      if (item.prestage !== undefined && item.volumes === undefined) {
        report(
          at("protect", i, "prestage"),
          "only volumes are pre-staged (block snapshots); move prestage to a volumes item",
        );
      }
      if (item.workflows !== undefined) {
        const combined = cycleWorkflow(item.workflows, config.workflows);
        for (const p of "problems" in combined ? combined.problems : []) {
          report(at("protect", i, "workflows", ...p.path), p.message);
        }
      }
      if ((item.group !== undefined || item.workflows !== undefined) && !item.volumes?.ids) {
        report(
          at("protect", i, item.group !== undefined ? "group" : "workflows"),
          "a consistency group or backup workflow needs the volumes listed by id (volumes.ids)",
        );
      }
    });
    const ids = new Map<string, number>();
    env.health.forEach((check, i) => {
      const [kind, probe] = Object.entries(check).find(([, v]) => v !== undefined) ?? [];
      if (!kind || !probe) return;
      if (probe.id !== undefined) {
        const first = ids.get(probe.id);
        if (first === undefined) ids.set(probe.id, i);
        else
          report(
            at("health", i, kind, "id"),
            `id "${probe.id}" is also used by health[${first}]; probe ids must be unique`,
          );
      }
      if (kind === "replication" && env.protect.length === 0) {
        report(
          at("health", i, kind),
          "the environment protects nothing, so there is no RPO budget to check; add protect or remove this probe",
        );
      }
      if (!("timeout" in probe)) return;
      if ((parseDuration(probe.timeout) ?? 0) > (parseDuration(probe.every) ?? 0)) {
        report(
          at("health", i, kind, "timeout"),
          `timeout ${probe.timeout} is longer than every ${probe.every}; set timeout to ${probe.every} or less (the default is 5s)`,
        );
      }
    });
    const zone = env.dns?.zone.replace(/\.$/, "").toLowerCase();
    env.dns?.records.forEach((record, i) => {
      const fqdn = record.replace(/\.$/, "").toLowerCase();
      if (zone && fqdn !== zone && !fqdn.endsWith(`.${zone}`)) {
        report(at("dns", "records", i), `record "${record}" is not in zone "${env.dns?.zone}"`);
      }
    });
  }
}
