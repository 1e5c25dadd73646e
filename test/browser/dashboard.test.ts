/**
 * The dashboard in a real browser against a real server: Debian's Chromium (headless, through
 * playwright-core) opens the real API server (src/api, as `lifeboat serve` hosts it), which
 * serves the built dashboard and the API for a
 * workspace whose `shop` environment was built in moto and captured. The test signs in with a
 * token from `lifeboat token create`, reads the environment page and saves the screenshot the
 * README shows (docs/dashboard-environment.png; see `shots` below).
 */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import type { Page } from "playwright-core";
import { launchChromium, type Browser } from "../harness/chromium.js";
import { expectJson } from "../e2e/capture-fixture.js";
import { recoverWorld, type RecoverWorld } from "../e2e/recover-fixture.js";
import { startDashboardServer, type DashboardServer } from "./dashboard-server.js";

/**
 * Screenshots go to dist/screenshots on every run, and into docs/ (the README's copies) when
 * LIFEBOAT_UPDATE_SCREENSHOTS=1, so a routine test run leaves the working tree clean.
 */
const shots = fileURLToPath(
  new URL(
    process.env.LIFEBOAT_UPDATE_SCREENSHOTS === "1" ? "../../../docs/" : "../../screenshots/",
    import.meta.url,
  ),
);

let world: RecoverWorld;
let server: DashboardServer;
let browser: Browser;
let page: Page;
let token: string;

before(async () => {
  world = await recoverWorld();
  const created = expectJson<{ secret: string }>(
    await world.ws.cli(["token", "create", "--name", "browser-test", "--role", "admin", "--json"]),
  );
  token = created.secret;
  server = await startDashboardServer(world.ws);
  browser = await launchChromium();
  page = browser.page;
  page.setDefaultTimeout(60_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await world?.close();
});

/** GET an API path with the test's token, as the dashboard does. */
async function apiGet<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path.replace(/^\//, ""), server.url), {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

test("a wrong token is refused with the server's words; the right one signs in", async () => {
  await page.goto(server.url);
  await page.fill("#token", "lbt_not-a-token");
  await page.click("button[type=submit]");
  const refusal = await page.locator("[role=alert]").innerText();
  assert.match(refusal, /LB_API_UNAUTHENTICATED|LB_API_/);

  await page.fill("#token", token);
  await page.click("button[type=submit]");
  const card = page.locator("[data-testid=env-shop]");
  await card.waitFor();
  assert.match(await page.locator("[data-testid=whoami]").innerText(), /browser-test.*admin/s);
  // State is said in words as well as colour.
  const health = card.locator("[data-testid=health]");
  assert.match(await health.innerText(), /^(Healthy|Degraded|Down|Unknown)$/);
  assert.ok(await health.getAttribute("data-tone"));
  // The capture of a minute ago shows as relative and absolute time.
  assert.match(await card.innerText(), /ago/);
  assert.match(await card.innerText(), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
});

test("the environment page draws every captured resource and its history", async () => {
  await page.click("[data-testid=env-shop]");
  await page.locator("[data-testid=resource-graph]").waitFor();
  const graph = await apiGet<{
    nodes: { id: string }[];
    edges: { from: string; to: string }[];
  }>("/api/v1/environments/shop/graph");
  assert.ok(graph.nodes.length >= 20, `only ${graph.nodes.length} resources captured`);
  assert.equal(await page.locator(".graph-node").count(), graph.nodes.length);
  // One curve per pair of resources that refer to each other (several fields may).
  const ids = new Set(graph.nodes.map((n) => n.id));
  const pairs = new Set(
    graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e) => `${e.from} ${e.to}`),
  );
  assert.equal(await page.locator(".graph-edge").count(), pairs.size);
  const versions = page.locator("[data-testid=versions] tbody tr");
  assert.equal(await versions.count(), 1);
  assert.match(await versions.first().innerText(), /v1/);
  await page.locator("[data-testid=recovery-timeline]").waitFor();
  await page.screenshot({ path: `${shots}dashboard-environment.png`, fullPage: true });
});
