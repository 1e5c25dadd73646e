/** Tags as the SDKs return them (EC2, ELBv2, RDS, Route53 and ASG differ only in optionality). */
export interface AwsTag {
  readonly Key?: string | undefined;
  readonly Value?: string | undefined;
}

/** All tags as a record, provider-reserved `aws:*` ones included (used for facts). */
export function allTags(tags: readonly AwsTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  return out;
}

/**
 * User tags only: `aws:*` tags are reserved and cannot be set by a rebuild, so an inventory
 * leaves them out (docs/inventory.md).
 */
export function userTags(tags: readonly AwsTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(allTags(tags))) {
    if (!key.startsWith("aws:")) out[key] = value;
  }
  return out;
}

/** The `Name` tag, else the fallback (usually the provider's own name or id). */
export function nameOf(tags: readonly AwsTag[] | undefined, fallback: string): string {
  return allTags(tags).Name ?? fallback;
}
