/**
 * Shared by the failover end-to-end tests: the recover world (moto, the shop in us-east-1
 * captured, a workspace recovering into us-west-2) configured to move `shop.example.com`,
 * verify the recovered side through a local HTTP server, and fence the primary; plus readers
 * of the things a failover changes (the record, the primary's group and bastion).
 */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { waitingApprovals } from "../../src/execute/decide-approval.js";
import type { Store } from "../../src/store/store.js";
import { motoProxy, type MotoProxy } from "../harness/moto-proxy.js";
import type { ConfigBuilder } from "./config-builder.js";
import { recoverWorld, source, type RecoverWorld } from "./recover-fixture.js";

/** A local HTTP server standing in for an application endpoint; `stop()` takes it down. */
export interface LocalEndpoint {
  readonly url: string;
  stop(): Promise<void>;
}

export async function localEndpoint(path = "/health"): Promise<LocalEndpoint> {
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === path ? 200 : 404, { "content-type": "text/plain" });
    res.end(req.url === path ? "ok" : "no");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FailoverWorld extends RecoverWorld {
  /** The recovered side's health endpoint (the verify step checks it). */
  readonly recovered: LocalEndpoint;
  /** The shop's public record, `shop.example.com.` */
  shopRecord(): Promise<{ dnsName: string | undefined; zoneId: string | undefined }>;
  /** Min and desired capacity of the primary's web group. */
  primaryGroup(): Promise<{ min: number; desired: number }>;
  bastionState(): Promise<string | undefined>;
}

export async function failoverWorld(
  edit: (c: ConfigBuilder) => ConfigBuilder = (c) => c,
): Promise<FailoverWorld> {
  const recovered = await localEndpoint();
  const world = await recoverWorld({
    config: (c) =>
      edit(
        c
          .set("environments.shop.dns", {
            zone: "shop.example.com",
            records: ["shop.example.com"],
            lowerTtl: "30s",
          })
          .set("environments.shop.recovery.verify", {
            url: recovered.url,
            timeout: "60s",
            every: "1s",
          }),
      ),
  });
  const east = world.clients.region(source);
  return {
    ...world,
    recovered,
    async shopRecord() {
      const listed = await east.route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: world.shop.dns.hostedZoneId }),
      );
      const record = listed.ResourceRecordSets?.find((r) => r.Name === "shop.example.com.");
      return {
        dnsName: record?.AliasTarget?.DNSName?.replace(/\.$/, ""),
        zoneId: record?.AliasTarget?.HostedZoneId,
      };
    },
    async primaryGroup() {
      const found = await east.autoscaling.send(
        new DescribeAutoScalingGroupsCommand({
          AutoScalingGroupNames: [world.shop.compute.autoScalingGroupName],
        }),
      );
      const group = found.AutoScalingGroups?.[0];
      return { min: group?.MinSize ?? -1, desired: group?.DesiredCapacity ?? -1 };
    },
    async bastionState() {
      const found = await east.ec2.send(
        new DescribeInstancesCommand({ InstanceIds: [world.shop.compute.bastionInstanceId] }),
      );
      return found.Reservations?.[0]?.Instances?.[0]?.State?.Name;
    },
    async close() {
      await recovered.stop();
      await world.close();
    },
  };
}

/** Polls the store until run `runId` waits for approval (generous bound, another process). */
export async function untilWaiting(store: Store, runId: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if ((await waitingApprovals(store, runId)).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`run ${runId} never waited for approval`);
}

/**
 * Puts a recording, holding proxy (test/harness/moto-proxy.ts) between the workspace's config
 * and moto: every process started afterwards talks to moto through it. Closed with the world.
 */
export async function throughProxy(world: FailoverWorld): Promise<MotoProxy> {
  const proxy = await motoProxy(world.moto.endpoint);
  const tree = parse(readFileSync(world.ws.config, "utf8")) as {
    providers: Record<string, { endpoint?: string }>;
  };
  for (const provider of Object.values(tree.providers)) provider.endpoint = proxy.endpoint;
  writeFileSync(world.ws.config, stringify(tree));
  return proxy;
}

/** The operations a process may send without changing anything in the cloud. */
export const readOnly = (operation: string): boolean => /^(Describe|List|Get)/.test(operation);
