import { canonicalSet, ref, type Ref } from "../../model/inventory/index.js";
import type { DiscoveredResource, IgnoredResource } from "../provider.js";
import { defined, dnsKey, jsonRecord, recordId, refs } from "./aws-ids.js";
import { nameOf, userTags } from "./aws-tags.js";
import { bareZoneId, type DnsRaw } from "./fetch-dns.js";
import type { DatabaseRaw } from "./fetch-services.js";

export function normaliseDatabases(raw: DatabaseRaw, region: string): DiscoveredResource[] {
  const out: DiscoveredResource[] = [];
  for (const g of raw.subnetGroups) {
    const name = g.DBSubnetGroupName ?? "";
    const tags = raw.subnetGroupTags.get(name);
    out.push({
      facts: { isDefault: name === "default" },
      resource: {
        id: `db-subnet-group:${name}`,
        kind: "db-subnet-group",
        providerId: name,
        name: nameOf(tags, name),
        location: { region },
        tags: userTags(tags),
        properties: defined({
          groupName: name,
          description: g.DBSubnetGroupDescription ?? "",
          network: g.VpcId ? ref("network", g.VpcId) : undefined,
          subnets: refs(
            "subnet",
            (g.Subnets ?? []).map((s) => s.SubnetIdentifier),
          ),
        }),
      },
    });
  }
  for (const db of raw.instances) {
    const id = db.DBInstanceIdentifier ?? "";
    const groups = (db.DBParameterGroups ?? []).flatMap((g) =>
      g.DBParameterGroupName ? [g.DBParameterGroupName] : [],
    );
    const parameters: Record<string, string> = {};
    for (const group of groups) {
      for (const p of raw.parameters.get(group) ?? []) {
        if (p.ParameterName) parameters[p.ParameterName] = p.ParameterValue ?? "";
      }
    }
    out.push({
      facts: {},
      resource: {
        id: `database:${id}`,
        kind: "database",
        providerId: id,
        name: nameOf(db.TagList, id),
        location: defined({ region, zone: db.AvailabilityZone }),
        tags: userTags(db.TagList),
        properties: defined({
          engine: db.Engine ?? "",
          engineVersion: db.EngineVersion ?? "",
          instanceClass: db.DBInstanceClass ?? "",
          allocatedStorage: db.AllocatedStorage ?? 0,
          maxAllocatedStorage: db.MaxAllocatedStorage,
          storageType: db.StorageType,
          iops: db.Iops,
          storageEncrypted: db.StorageEncrypted === true,
          kmsKey: db.KmsKeyId ? ref("kms-key", db.KmsKeyId) : undefined,
          multiAz: db.MultiAZ === true,
          subnetGroup: db.DBSubnetGroup?.DBSubnetGroupName
            ? ref("db-subnet-group", db.DBSubnetGroup.DBSubnetGroupName)
            : undefined,
          groups: refs(
            "security-group",
            (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          ),
          port: db.Endpoint?.Port ?? db.DbInstancePort,
          masterUsername: db.MasterUsername,
          dbName: db.DBName,
          parameterGroups: refs("db-parameter-group", groups),
          parameters,
          optionGroups: refs(
            "db-option-group",
            (db.OptionGroupMemberships ?? []).map((o) => o.OptionGroupName),
          ),
          backupRetentionPeriod: db.BackupRetentionPeriod ?? 0,
          preferredBackupWindow: db.PreferredBackupWindow,
          preferredMaintenanceWindow: db.PreferredMaintenanceWindow,
          publiclyAccessible: db.PubliclyAccessible === true,
          deletionProtection: db.DeletionProtection === true,
          iamAuthentication: db.IAMDatabaseAuthenticationEnabled === true,
          autoMinorVersionUpgrade: db.AutoMinorVersionUpgrade !== false,
          copyTagsToSnapshot: db.CopyTagsToSnapshot === true,
          licenseModel: db.LicenseModel,
        }),
      },
    });
  }
  return out;
}

/** Names and addresses that only exist in the source, mapped to the resources they denote. */
export interface DnsTargets {
  /** DNS names of load balancers and database endpoints (keys via `dnsKey`). */
  readonly byName: ReadonlyMap<string, Ref>;
  /** Public IPs of elastic addresses. */
  readonly byIp: ReadonlyMap<string, Ref>;
}

export function normaliseDns(
  raw: DnsRaw,
  targets: DnsTargets,
): { resources: DiscoveredResource[]; ignored: IgnoredResource[] } {
  const resources: DiscoveredResource[] = [];
  const ignored: IgnoredResource[] = [];
  const location = { region: "global" };
  const records = recordIndex(raw);
  for (const zone of raw.zones) {
    const zoneId = bareZoneId(zone.Id ?? "");
    const zoneName = dnsKey(zone.Name ?? "");
    const tags = raw.tags.get(zoneId);
    resources.push({
      facts: {},
      resource: {
        id: `dns-zone:${zoneId}`,
        kind: "dns-zone",
        providerId: zoneId,
        name: nameOf(tags, zoneName),
        location,
        tags: userTags(tags),
        properties: defined({
          zoneName,
          private: zone.Config?.PrivateZone === true,
          comment: zone.Config?.Comment || undefined,
          networks: refs(
            "network",
            (raw.zoneNetworks.get(zoneId) ?? []).map((v) => v.VPCId),
          ),
        }),
      },
    });
    for (const record of raw.records.get(zoneId) ?? []) {
      const name = dnsKey(record.Name ?? "");
      const type = record.Type ?? "";
      const key = recordId(zoneId, name, type, record.SetIdentifier);
      if (name === zoneName && (type === "SOA" || type === "NS")) {
        // The provider writes these with every zone; a rebuilt zone gets its own.
        ignored.push({ providerId: key, kind: "dns-record", reason: "zone's own SOA/NS record" });
        continue;
      }
      const value = (v: string) =>
        (type === "A" || type === "AAAA" ? targets.byIp.get(v) : targets.byName.get(dnsKey(v))) ??
        v;
      const alias = record.AliasTarget;
      const routing = jsonRecord({
        weight: record.Weight,
        failover: record.Failover,
        region: record.Region,
        geoLocation: record.GeoLocation,
        multiValueAnswer: record.MultiValueAnswer,
      });
      resources.push({
        facts: {},
        resource: {
          id: `dns-record:${key}`,
          kind: "dns-record",
          providerId: key,
          name,
          location,
          tags: {},
          properties: defined({
            zone: ref("dns-zone", zoneId),
            recordName: name,
            type,
            setIdentifier: record.SetIdentifier,
            // Alias records have no TTL of their own (moto 5.2.1 reports 0 for them).
            ttl: alias ? undefined : record.TTL,
            values: canonicalSet((record.ResourceRecords ?? []).map((r) => value(r.Value ?? ""))),
            alias: alias
              ? {
                  target: targets.byName.get(dnsKey(alias.DNSName ?? "")) ??
                    records.get(
                      `${bareZoneId(alias.HostedZoneId ?? "")}|${dnsKey(alias.DNSName ?? "")}|${type}`,
                    ) ?? {
                      dnsName: dnsKey(alias.DNSName ?? ""),
                      zoneId: alias.HostedZoneId ?? "",
                    },
                  evaluateTargetHealth: alias.EvaluateTargetHealth === true,
                }
              : undefined,
            routing: Object.keys(routing).length > 0 ? routing : undefined,
            healthCheck: record.HealthCheckId
              ? ref("health-check", record.HealthCheckId)
              : undefined,
          }),
        },
      });
    }
  }
  return { resources, ignored };
}

/** Records of the account's zones by zone, name and type: aliases to them become refs. */
function recordIndex(raw: DnsRaw): Map<string, Ref> {
  const index = new Map<string, Ref>();
  for (const [zoneId, list] of raw.records) {
    for (const r of list) {
      if (r.SetIdentifier !== undefined) continue; // ambiguous: an alias names no set
      const name = dnsKey(r.Name ?? "");
      index.set(
        `${zoneId}|${name}|${r.Type ?? ""}`,
        ref("dns-record", recordId(zoneId, name, r.Type ?? "")),
      );
    }
  }
  return index;
}
