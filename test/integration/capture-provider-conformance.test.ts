import { after, before } from "node:test";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { providerConformance } from "./capture-provider-suite.js";

let moto: MotoServer;
let clients: AwsClients;
let aws: AwsProvider;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  await shopEnvironment(clients).named("shop").build();
  aws = new AwsProvider(motoClientConfig(moto, "us-east-1"));
});

after(async () => {
  aws?.close();
  clients?.destroy();
  await moto?.stop();
});

providerConformance("aws on moto", () => aws);
