import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { awsClients } from "./aws-clients.js";

/** One DNS name as a resolver's client would see it change: its type and where it points. */
export interface RecordView {
  readonly name: string;
  readonly type: string;
  /** The alias target's DNS name, or the record's values joined by ", ". */
  readonly target: string;
}

/**
 * Reads record `name` (A/AAAA/CNAME) of hosted zone `zoneId` through Route53, for showing a
 * DNS cut-over before and after. Lists the whole zone: moto ignores StartRecordName paging.
 */
export async function readRecord(
  endpoint: string,
  zoneId: string,
  name: string,
): Promise<RecordView | null> {
  const clients = awsClients({ endpoint });
  try {
    const listed = await clients
      .region("us-east-1")
      .route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const wanted = `${name.replace(/\.$/, "")}.`;
    const set = listed.ResourceRecordSets?.find(
      (r) => r.Name === wanted && ["A", "AAAA", "CNAME"].includes(r.Type ?? ""),
    );
    if (!set) return null;
    const target =
      set.AliasTarget?.DNSName?.replace(/\.$/, "") ??
      (set.ResourceRecords ?? []).map((r) => r.Value ?? "").join(", ");
    return { name: name.replace(/\.$/, ""), type: set.Type ?? "?", target };
  } finally {
    clients.destroy();
  }
}
