import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  RegisterTargetsCommand,
  type Action,
  type ProtocolEnum,
  type RuleCondition,
  type TargetTypeEnum,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  claim,
  deleting,
  elbName,
  ownTags,
  required,
  send,
  tagList,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";
import { findTargetGroup, hasRun, tagsOf } from "./elb-lookups.js";

interface ActionSpec {
  type: string;
  order?: number;
  forward?: { targetGroup: string; weight: number }[];
  stickiness?: Record<string, unknown>;
  redirect?: Record<string, unknown>;
  fixedResponse?: Record<string, unknown>;
}

/**
 * Load balancers, target groups and listeners are unique by name (by port, for listeners), so
 * find-or-create looks the name up and adopts it when it carries this run's tag.

/**
 * Target groups (unique by name, adopted when tagged with this run), target registration
 * (RegisterTargets is idempotent) and listeners (unique by port on their load balancer; rules
 * added for the priorities that are missing).
 */
export const listenerAppliers: ApplierTable = {
  "create:target-group": {
    async execute(step, ctx, { clients: { elbv2 } }) {
      const spec = ctx.input as TargetSpec<{
        network?: string;
        targetType: string;
        protocol?: string;
        protocolVersion?: string;
        port?: number;
        healthCheck: Record<string, unknown>;
      }>;
      const name = elbName(spec.name);
      const p = spec.properties;
      let group = await findTargetGroup(elbv2, name);
      const existed = group !== undefined;
      if (group?.TargetGroupArn)
        claim(await tagsOf(elbv2, group.TargetGroupArn), ctx, `target group ${name}`);
      const h = p.healthCheck as Record<string, never>;
      group ??= required(
        (
          await send("elbv2.CreateTargetGroup", () =>
            elbv2.send(
              new CreateTargetGroupCommand({
                Name: name,
                TargetType: p.targetType as TargetTypeEnum,
                ...(p.protocol === undefined ? {} : { Protocol: p.protocol as ProtocolEnum }),
                ...(p.protocolVersion === undefined ? {} : { ProtocolVersion: p.protocolVersion }),
                ...(p.port === undefined ? {} : { Port: p.port }),
                ...(p.network === undefined ? {} : { VpcId: p.network }),
                HealthCheckEnabled: h.enabled,
                HealthCheckPath: h.path,
                HealthCheckPort: h.port,
                HealthCheckProtocol: h.protocol,
                HealthCheckIntervalSeconds: h.intervalSeconds,
                HealthCheckTimeoutSeconds: h.timeoutSeconds,
                HealthyThresholdCount: h.healthyThreshold,
                UnhealthyThresholdCount: h.unhealthyThreshold,
                Matcher: h.matcher,
                Tags: tagList(ownTags(ctx, resourceOf(step), spec)),
              }),
            ),
          )
        ).TargetGroups?.[0],
        "target group in the answer",
      );
      const outputs = { id: required(group.TargetGroupArn, "TargetGroupArn"), name };
      return existed ? adopted(outputs) : created(outputs);
    },
    async undo(step, outputs, ctx, { clients: { elbv2 } }) {
      let arn = outputId(outputs);
      if (arn === undefined) {
        const group = await findTargetGroup(
          elbv2,
          elbName(String((step.input as { name?: string })?.name ?? "")),
        );
        if (group?.TargetGroupArn && hasRun(await tagsOf(elbv2, group.TargetGroupArn), ctx.runId)) {
          arn = group.TargetGroupArn;
        }
      }
      if (arn === undefined) return "absent";
      const targetGroup = arn;
      return deleting("elbv2.DeleteTargetGroup", () =>
        elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroup })),
      );
    },
  },

  "register:target-group": {
    async execute(_step, ctx, { clients: { elbv2 } }) {
      const { targetGroup, targets } = ctx.input as {
        targetGroup: string;
        targets: { target: string; port?: number; zone?: string }[];
      };
      const ids = targets.filter((t) => typeof t.target === "string");
      // RegisterTargets is idempotent: registering a registered target changes nothing.
      await send("elbv2.RegisterTargets", () =>
        elbv2.send(
          new RegisterTargetsCommand({
            TargetGroupArn: targetGroup,
            Targets: ids.map((t) => ({
              Id: t.target,
              ...(t.port === undefined ? {} : { Port: t.port }),
            })),
          }),
        ),
      );
      return { outputs: { id: targetGroup, registered: ids.length } };
    },
  },

  "create:listener": {
    async execute(step, ctx, { clients: { elbv2 } }) {
      const spec = ctx.input as TargetSpec<{
        loadBalancer: string;
        port?: number;
        protocol?: string;
        sslPolicy?: string;
        certificates: unknown[];
        defaultActions: ActionSpec[];
        rules: { priority: string; conditions: Record<string, unknown>[]; actions: ActionSpec[] }[];
      }>;
      const p = spec.properties;
      const listeners = await send("elbv2.DescribeListeners", () =>
        elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: p.loadBalancer })),
      );
      const existing = listeners.Listeners?.find((l) => l.Port === p.port);
      const secure = p.protocol === "HTTPS" || p.protocol === "TLS";
      const arn =
        existing?.ListenerArn ??
        required(
          (
            await send("elbv2.CreateListener", () =>
              elbv2.send(
                new CreateListenerCommand({
                  LoadBalancerArn: p.loadBalancer,
                  ...(p.port === undefined ? {} : { Port: p.port }),
                  ...(p.protocol === undefined ? {} : { Protocol: p.protocol as ProtocolEnum }),
                  ...(secure && p.sslPolicy ? { SslPolicy: p.sslPolicy } : {}),
                  ...(secure
                    ? {
                        Certificates: p.certificates
                          .filter((c): c is string => typeof c === "string")
                          .map((c) => ({ CertificateArn: c })),
                      }
                    : {}),
                  DefaultActions: p.defaultActions.map(toAction),
                  Tags: tagList(ownTags(ctx, resourceOf(step), spec)),
                }),
              ),
            )
          ).Listeners?.[0]?.ListenerArn,
          "ListenerArn",
        );
      if (p.rules.length > 0) {
        const rules = await send("elbv2.DescribeRules", () =>
          elbv2.send(new DescribeRulesCommand({ ListenerArn: arn })),
        );
        const taken = new Set((rules.Rules ?? []).map((r) => r.Priority));
        for (const rule of p.rules) {
          if (rule.priority === "default" || taken.has(rule.priority)) continue;
          await send("elbv2.CreateRule", () =>
            elbv2.send(
              new CreateRuleCommand({
                ListenerArn: arn,
                Priority: Number(rule.priority),
                Conditions: rule.conditions as RuleCondition[],
                Actions: rule.actions.map(toAction),
              }),
            ),
          );
        }
      }
      return existing ? adopted({ id: arn }) : created({ id: arn });
    },
    async undo(_step, outputs, _ctx, { clients: { elbv2 } }) {
      // Without outputs the listener went with its load balancer (undone after this step).
      const arn = outputId(outputs);
      if (arn === undefined) return "absent";
      return deleting("elbv2.DeleteListener", () =>
        elbv2.send(new DeleteListenerCommand({ ListenerArn: arn })),
      );
    },
  },
};

function toAction(a: ActionSpec): Action {
  const forward = a.forward ?? [];
  return {
    Type: a.type as Action["Type"],
    ...(a.order === undefined ? {} : { Order: a.order }),
    ...(forward.length === 1
      ? { TargetGroupArn: forward[0]?.targetGroup }
      : forward.length > 1
        ? {
            ForwardConfig: {
              TargetGroups: forward.map((f) => ({
                TargetGroupArn: f.targetGroup,
                Weight: f.weight,
              })),
              ...(a.stickiness ? { TargetGroupStickinessConfig: a.stickiness } : {}),
            },
          }
        : {}),
    ...(a.redirect ? { RedirectConfig: a.redirect } : {}),
    ...(a.fixedResponse ? { FixedResponseConfig: a.fixedResponse } : {}),
  } as Action;
}
