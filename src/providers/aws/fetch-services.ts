import {
  paginateDescribeAutoScalingGroups,
  type AutoScalingClient,
  type AutoScalingGroup,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeRules,
  paginateDescribeTargetGroups,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type Rule,
  type Tag as ElbTag,
  type TargetGroup,
  type TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  ListTagsForResourceCommand,
  paginateDescribeDBInstances,
  paginateDescribeDBParameters,
  paginateDescribeDBSubnetGroups,
  type DBInstance,
  type DBSubnetGroup,
  type Parameter,
  type RDSClient,
  type Tag as RdsTag,
} from "@aws-sdk/client-rds";
import { call, chunks, collect, paging } from "./aws-calls.js";

export interface BalancingRaw {
  readonly loadBalancers: LoadBalancer[];
  readonly attributes: Map<string, Record<string, string>>;
  readonly listeners: Listener[];
  readonly rules: Map<string, Rule[]>;
  readonly targetGroups: TargetGroup[];
  readonly targets: Map<string, TargetHealthDescription[]>;
  readonly tags: Map<string, ElbTag[]>;
}

export async function fetchBalancing(
  elbv2: ElasticLoadBalancingV2Client,
  pageSize?: number,
): Promise<BalancingRaw> {
  const client = paging(elbv2, pageSize, 1, 400);
  const [loadBalancers, targetGroups] = await Promise.all([
    collect(
      "elbv2.DescribeLoadBalancers",
      paginateDescribeLoadBalancers(client, {}),
      (p) => p.LoadBalancers,
    ),
    collect(
      "elbv2.DescribeTargetGroups",
      paginateDescribeTargetGroups(client, {}),
      (p) => p.TargetGroups,
    ),
  ]);
  const lbArns = loadBalancers.flatMap((lb) => (lb.LoadBalancerArn ? [lb.LoadBalancerArn] : []));
  const tgArns = targetGroups.flatMap((tg) => (tg.TargetGroupArn ? [tg.TargetGroupArn] : []));
  const attributes = new Map<string, Record<string, string>>();
  const targets = new Map<string, TargetHealthDescription[]>();
  const tags = new Map<string, ElbTag[]>();
  const listenerLists = await Promise.all([
    ...lbArns.map(async (LoadBalancerArn) => {
      const answer = await call("elbv2.DescribeLoadBalancerAttributes", () =>
        elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn })),
      );
      const record: Record<string, string> = {};
      for (const a of answer.Attributes ?? []) if (a.Key) record[a.Key] = a.Value ?? "";
      attributes.set(LoadBalancerArn, record);
      return collect(
        "elbv2.DescribeListeners",
        paginateDescribeListeners(client, { LoadBalancerArn }),
        (p) => p.Listeners,
      );
    }),
    ...tgArns.map(async (TargetGroupArn) => {
      const answer = await call("elbv2.DescribeTargetHealth", () =>
        elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn })),
      );
      targets.set(TargetGroupArn, answer.TargetHealthDescriptions ?? []);
      return [];
    }),
    // DescribeTags takes at most 20 ARNs per call.
    ...chunks([...lbArns, ...tgArns], 20).map(async (ResourceArns) => {
      const answer = await call("elbv2.DescribeTags", () =>
        elbv2.send(new DescribeTagsCommand({ ResourceArns })),
      );
      for (const d of answer.TagDescriptions ?? [])
        if (d.ResourceArn) tags.set(d.ResourceArn, d.Tags ?? []);
      return [];
    }),
  ]);
  const listeners = listenerLists.flat();
  const rules = new Map<string, Rule[]>();
  const listenerArns = listeners.flatMap((l) => (l.ListenerArn ? [l.ListenerArn] : []));
  await Promise.all([
    ...chunks(listenerArns, 20).map(async (ResourceArns) => {
      const answer = await call("elbv2.DescribeTags", () =>
        elbv2.send(new DescribeTagsCommand({ ResourceArns })),
      );
      for (const d of answer.TagDescriptions ?? []) {
        if (d.ResourceArn) tags.set(d.ResourceArn, d.Tags ?? []);
      }
    }),
    ...listeners.map(async ({ ListenerArn }) => {
      if (!ListenerArn) return;
      const list = await collect(
        "elbv2.DescribeRules",
        paginateDescribeRules(client, { ListenerArn }),
        (p) => p.Rules,
      );
      rules.set(ListenerArn, list);
    }),
  ]);
  return { loadBalancers, attributes, listeners, rules, targetGroups, targets, tags };
}

export async function fetchScalingGroups(
  autoscaling: AutoScalingClient,
  pageSize?: number,
): Promise<AutoScalingGroup[]> {
  return collect(
    "autoscaling.DescribeAutoScalingGroups",
    paginateDescribeAutoScalingGroups(paging(autoscaling, pageSize, 1, 100), {}),
    (p) => p.AutoScalingGroups,
  );
}

export interface DatabaseRaw {
  readonly instances: DBInstance[];
  readonly subnetGroups: DBSubnetGroup[];
  readonly subnetGroupTags: Map<string, RdsTag[]>;
  /** User-set parameters per non-default parameter group. */
  readonly parameters: Map<string, Parameter[]>;
}

export async function fetchDatabases(rds: RDSClient, pageSize?: number): Promise<DatabaseRaw> {
  const client = paging(rds, pageSize, 20, 100);
  const [instances, subnetGroups] = await Promise.all([
    collect(
      "rds.DescribeDBInstances",
      paginateDescribeDBInstances(client, {}),
      (p) => p.DBInstances,
    ),
    collect(
      "rds.DescribeDBSubnetGroups",
      paginateDescribeDBSubnetGroups(client, {}),
      (p) => p.DBSubnetGroups,
    ),
  ]);
  const subnetGroupTags = new Map<string, RdsTag[]>();
  const parameters = new Map<string, Parameter[]>();
  const groupNames = new Set(
    instances
      .flatMap((db) => db.DBParameterGroups ?? [])
      .flatMap((g) => (g.DBParameterGroupName ? [g.DBParameterGroupName] : []))
      .filter((name) => !name.startsWith("default.")),
  );
  await Promise.all([
    ...subnetGroups.map(async ({ DBSubnetGroupArn, DBSubnetGroupName }) => {
      if (!DBSubnetGroupArn || !DBSubnetGroupName) return;
      const answer = await call("rds.ListTagsForResource", () =>
        rds.send(new ListTagsForResourceCommand({ ResourceName: DBSubnetGroupArn })),
      );
      subnetGroupTags.set(DBSubnetGroupName, answer.TagList ?? []);
    }),
    ...[...groupNames].map(async (DBParameterGroupName) => {
      const list = await collect(
        "rds.DescribeDBParameters",
        paginateDescribeDBParameters(client, { DBParameterGroupName, Source: "user" }),
        (p) => p.Parameters,
      );
      parameters.set(
        DBParameterGroupName,
        // The request already asks for source `user`; moto 5.2.1 leaves Source unset.
        list.filter((p) => p.Source === undefined || p.Source === "user"),
      );
    }),
  ]);
  return { instances, subnetGroups, subnetGroupTags, parameters };
}
