import { startMoto, type MotoServer } from "../providers/aws/moto/moto-server.js";
import { awsClients } from "../providers/aws/shop/aws-clients.js";
import { shopEnvironment } from "../providers/aws/shop/shop-environment.js";
import type { ShopEnvironment } from "../providers/aws/shop/shop-types.js";

/** The AWS the demo runs on: a moto server it started, or one the user named. */
export interface DemoCloud {
  readonly endpoint: string;
  /** The moto_server the demo started (null with --endpoint: not ours to stop). */
  readonly moto: Pick<MotoServer, "pid"> | null;
  /** Stops the moto server the demo started; idempotent. */
  stop(): Promise<void>;
}

/** Starts moto on a free port unless `endpoint` names a running AWS-compatible endpoint. */
export async function openDemoCloud(endpoint: string | undefined): Promise<DemoCloud> {
  if (endpoint !== undefined) {
    return { endpoint: endpoint.replace(/\/+$/, ""), moto: null, stop: async () => undefined };
  }
  const moto = await startMoto();
  return { endpoint: moto.endpoint, moto: { pid: moto.pid }, stop: () => moto.stop() };
}

/**
 * Builds the web shop (29 resources: network, NAT, security groups, load balancer,
 * auto-scaling web tier, bastion, PostgreSQL, DNS zone) in `region` through the AWS SDK.
 */
export async function buildDemoShop(
  endpoint: string,
  region: string,
  name: string,
): Promise<ShopEnvironment> {
  const clients = awsClients({ endpoint });
  try {
    return await shopEnvironment(clients).inRegion(region).named(name).build();
  } finally {
    clients.destroy();
  }
}
