/**
 * Executes one recovery run with the AWS step handlers against moto, and is killed with
 * SIGKILL by test/integration/recover-crash.test.ts.
 * Usage: node recover-crash-child.js <store url> <run id> <moto endpoint>
 */
import { Executor } from "../../src/execute/executor.js";
import { awsStepHandlers } from "../../src/providers/aws/apply/aws-step-handlers.js";
import { openStore } from "../../src/store/open-store.js";
import { motoClientConfig } from "../harness/moto.js";

const [url = "", runId = "", endpoint = ""] = process.argv.slice(2);
const store = await openStore(url);
const executor = new Executor({
  store,
  handlers: awsStepHandlers({ ...motoClientConfig({ endpoint }, "us-west-2"), maxConcurrency: 4 }),
  concurrency: 8,
  owner: `recover-crash-child:${process.pid}`,
});
await executor.execute(runId);
await store.close();
