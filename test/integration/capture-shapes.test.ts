import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { captureEnvironment, type CaptureResult } from "../../src/capture/capture.js";
import {
  canonicalJson,
  inventorySchema,
  unresolvedReferences,
  type Resource,
} from "../../src/model/inventory/index.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { buildOddEnvironment } from "./capture-odd-environment.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";

/**
 * Shapes the shop fixture does not make: secondary CIDRs and interfaces, data volumes, a route
 * via an interface, IPv6 and self-referencing rules, a private zone, weighted records and an
 * alias to a record, IP targets, listener rules, template versions, user DB parameters.
 * Capture tools crash on unexpected API shapes (terraformer#1166); this walks many of them.
 */
const region = "us-west-2";

let moto: MotoServer;
let clients: AwsClients;
let provider: AwsProvider;
let result: CaptureResult;
let made: Record<string, string> = {};

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  made = await buildOddEnvironment(clients, region);
  provider = new AwsProvider(motoClientConfig(moto, region));
  result = await captureEnvironment(provider, { tags: { app: "odd" } });
});

after(async () => {
  provider?.close();
  clients?.destroy();
  await moto?.stop();
});

const get = <K extends Resource["kind"]>(kind: K, providerId: string) =>
  result.inventory.resources.find((r) => r.kind === kind && r.providerId === providerId) as
    Extract<Resource, { kind: K }> | undefined;

test("odd shapes validate, and every reference resolves", () => {
  assert.equal(inventorySchema.safeParse(result.inventory).success, true);
  assert.deepEqual(unresolvedReferences(result.inventory), []);
});

test("a second capture of the same shapes has the same digest", async () => {
  const again = await captureEnvironment(provider, { tags: { app: "odd" } });
  assert.equal(again.digest, result.digest);
});

test("network shapes: secondary CIDR, DNS hostnames, IPv6 and self rules, route via interface", () => {
  const vpc = get("network", made.vpc ?? "");
  assert.deepEqual(vpc?.properties.additionalCidrBlocks, ["10.10.0.0/16"]);
  assert.equal(vpc?.properties.enableDnsHostnames, true);
  const sg = get("security-group", made.sg ?? "");
  assert.ok(sg?.properties.ingress.some((r) => r.peer === "::/0" && r.description === "v6"));
  assert.ok(
    sg?.properties.ingress.some(
      (r) =>
        r.protocol === "-1" &&
        typeof r.peer === "object" &&
        r.peer.ref === `security-group:${made.sg}`,
    ),
  );
  assert.ok(sg?.properties.egress.some((r) => r.protocol === "udp" && r.fromPort === 53));
  const table = get("route-table", made.table ?? "");
  assert.ok(
    table?.properties.routes.some(
      (r) =>
        r.destination === "172.16.0.0/12" &&
        typeof r.target === "object" &&
        r.target.ref === `network-interface:${made.eni}`,
    ),
  );
});

test("machine shapes: key pair external, user data, secondary interface, data disk, address", () => {
  const machine = get("machine", made.instance ?? "");
  assert.deepEqual(machine?.properties.keyPair, { ref: "key-pair:odd-ops" });
  assert.equal(
    Buffer.from(machine?.properties.userData ?? "", "base64").toString(),
    "#!/bin/sh\necho odd\n",
  );
  const key = result.inventory.externals.find((e) => e.id === "key-pair:odd-ops");
  assert.equal(key?.reason, "not-captured-kind");
  const eni = get("network-interface", made.eni ?? "");
  assert.deepEqual(eni?.properties.privateIps, [
    { address: "10.9.0.50", primary: true },
    { address: "10.9.0.51", primary: false },
  ]);
  assert.deepEqual(eni?.properties.attachment?.machine, { ref: `machine:${made.instance}` });
  const volume = get("volume", made.volume ?? "");
  assert.deepEqual(
    [
      volume?.properties.size,
      volume?.properties.volumeType,
      volume?.properties.attachments[0]?.device,
    ],
    [20, "gp3", "/dev/sdf"],
  );
  const address = get("address", made.eip ?? "");
  assert.deepEqual(address?.properties.association, { ref: `network-interface:${made.eni}` });
});

test("a machine whose image no longer exists refers to a not-found external", () => {
  const stray = get("machine", made.stray ?? "");
  assert.deepEqual(stray?.properties.image, { ref: "image:ami-00000000000000dea" });
  const image = result.inventory.externals.find((e) => e.id === "image:ami-00000000000000dea");
  assert.equal(image?.reason, "not-found");
});

test("template versions, IP and instance targets, listener rules", () => {
  const template = get("launch-template", made.template ?? "");
  assert.deepEqual(
    template?.properties.versions.map((v) => [v.number, v.data.instanceType]),
    [
      [1, "t3.micro"],
      [2, "t3.small"],
    ],
  );
  assert.deepEqual(template?.properties.versions[0]?.data.networkInterfaces[0]?.groups, [
    { ref: `security-group:${made.sg}` },
  ]);
  const ip = result.inventory.resources.find((r) => r.id === "target-group:odd-ip");
  assert.deepEqual(ip?.kind === "target-group" && ip.properties.targets, [
    { target: "10.9.0.77", port: 8080 },
  ]);
  const byInstance = result.inventory.resources.find((r) => r.id === "target-group:odd-instance");
  assert.deepEqual(
    byInstance?.kind === "target-group" && byInstance.properties.targets.map((t) => t.target),
    [{ ref: `machine:${made.instance}` }],
  );
  const listener = result.inventory.resources.find((r) => r.id === "listener:odd-alb:8080");
  assert.equal(listener?.kind, "listener");
  if (listener?.kind !== "listener") return;
  assert.deepEqual(
    [listener.name, listener.tags],
    ["odd-admin-listener", { app: "odd", Name: "odd-admin-listener" }],
  );
  assert.equal(listener.properties.defaultActions[0]?.type, "fixed-response");
  assert.deepEqual(
    listener.properties.rules.map((r) => [r.priority, r.actions[0]?.forward]),
    [["10", [{ targetGroup: { ref: "target-group:odd-ip" }, weight: 1 }]]],
  );
});

test("database parameters set by the user and its parameter group", () => {
  const db = get("database", "odd-db");
  assert.deepEqual(db?.properties.parameterGroups, [{ ref: "db-parameter-group:odd-pg" }]);
  assert.equal(db?.properties.parameters.log_min_duration_statement, "250");
  assert.deepEqual(db?.properties.subnetGroup, { ref: "db-subnet-group:odd-db" });
});

test("private zone, A record to an elastic IP, weighted records, alias to a record", () => {
  const zone = get("dns-zone", made.zone ?? "");
  assert.deepEqual(zone?.properties.networks, [{ ref: `network:${made.vpc}` }]);
  assert.equal(zone?.properties.private, true);
  const records = new Map(
    result.inventory.resources.flatMap((r) =>
      r.kind === "dns-record" ? [[r.providerId, r.properties] as const] : [],
    ),
  );
  assert.deepEqual(records.get(`${made.zone}/jump.odd.internal/A`)?.values, [
    { ref: `address:${made.eip}` },
  ]);
  assert.equal(records.get(`${made.zone}/api.odd.internal/CNAME/blue`)?.routing?.weight, 90);
  assert.equal(records.get(`${made.zone}/api.odd.internal/CNAME/green`)?.routing?.weight, 10);
  assert.deepEqual(records.get(`${made.zone}/ssh.odd.internal/A`)?.alias?.target, {
    ref: `dns-record:${made.zone}/jump.odd.internal/A`,
  });
  // The address's own publicIp is its only appearance: the record refers to the address.
  const dnsText = canonicalJson(result.inventory.resources.filter((r) => r.kind === "dns-record"));
  assert.equal(dnsText.includes(made.eipIp ?? "-"), false);
});
