import type { Change, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import type { StepResult, UndoResult } from "../../../execute/step-handler.js";
import type { DnsTtlInput } from "../../../model/plan/failover-steps.js";
import type { JsonObject } from "../../../store/codec.js";
import { required } from "./apply-env.js";
import { findZone, sameRecord } from "./dns-appliers.js";
import { applyChanges, fqdn, recordsNamed } from "./dns-move.js";

interface Lowered {
  readonly set: ResourceRecordSet;
  readonly previousTtl: number;
}

/**
 * Lowers the TTL of `input.records` (A, AAAA, CNAME that are not aliases: an alias has no TTL
 * of its own) to `input.ttl`, values unchanged, in one batch. Run early in a failover, while
 * the target is being built, so resolvers hold the old answer for less time after the move.
 * A TTL already at or below it is left alone. Outputs the TTLs it replaced; undo puts them back
 * on records whose values and TTL are still as it left them.
 */
export async function lowerTtls(route53: Route53Client, input: DnsTtlInput): Promise<StepResult> {
  const zoneId = required(await findZone(route53, input.zone, false), `public zone ${input.zone}`);
  const lowered: Lowered[] = [];
  for (const record of input.records) {
    for (const set of await recordsNamed(route53, zoneId, fqdn(record))) {
      if (set.AliasTarget || set.TTL === undefined || set.TTL <= input.ttl) continue;
      if (!["A", "AAAA", "CNAME"].includes(set.Type ?? "")) continue;
      lowered.push({ set: { ...set, TTL: input.ttl }, previousTtl: set.TTL });
    }
  }
  const changes: Change[] = lowered.map((l) => ({ Action: "UPSERT", ResourceRecordSet: l.set }));
  if (changes.length > 0) await applyChanges(route53, zoneId, changes);
  return {
    outputs: { zoneId, lowered: JSON.parse(JSON.stringify(lowered)) as JsonObject[] },
  };
}

export async function restoreTtls(
  route53: Route53Client,
  outputs: JsonObject | null,
): Promise<UndoResult> {
  const zoneId = typeof outputs?.zoneId === "string" ? outputs.zoneId : undefined;
  const lowered = (outputs?.lowered ?? []) as unknown as Lowered[];
  if (!zoneId) return "absent";
  const changes: Change[] = [];
  for (const l of lowered) {
    const now = (await recordsNamed(route53, zoneId, l.set.Name ?? "")).find(
      (r) => r.Type === l.set.Type,
    );
    if (!now || now.AliasTarget || now.TTL !== l.set.TTL || !sameRecord(now, l.set)) continue;
    changes.push({ Action: "UPSERT", ResourceRecordSet: { ...now, TTL: l.previousTtl } });
  }
  if (changes.length === 0) return "absent";
  await applyChanges(route53, zoneId, changes);
  return "deleted";
}
