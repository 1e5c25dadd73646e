/**
 * The dashboard in a real browser against a running demo: `lifeboat demo` builds the web shop
 * in its own moto, captures it, runs a drill and a failover and serves the dashboard
 * (`lifeboat serve`).
 * Debian's Chromium (headless, through playwright-core) opens it; the test signs in with a token
 * made by `lifeboat token create`, reads the environment page, tears the demo's failover down
 * from its run page, starts a drill from the UI,
 * follows the run page until the drill has succeeded, verified and torn down, then starts a
 * failover that asks for approval, approves its DNS step on the run page and sees the shop's
 * record move; it saves the screenshots the README shows (docs/dashboard.png,
 * docs/dashboard-environment.png, docs/dashboard-approval.png; see `shots`).
 */
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { ListHostedZonesCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import type { Page } from "playwright-core";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { launchChromium, type Browser } from "../harness/chromium.js";
import { jsonOf, makeTempDir, runLifeboat } from "../e2e/cli.js";
import type { ReportJson } from "../e2e/recover-fixture.js";
import { countRegion } from "../integration/recover-fixture.js";
import { startDemo, type RunningDemo } from "./demo-server.js";

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

/** Generous: two cores shared by many test processes; nothing here measures speed. */
const slow = 240_000;

let demo: RunningDemo;
let clients: AwsClients;
let browser: Browser;
let page: Page;
let token: string;
const cwd = makeTempDir("lifeboat-browser-");

/** `lifeboat <args>` on the demo's config, with the demo cloud's credentials. */
const cli = (args: readonly string[]) =>
  runLifeboat([...args, "--config", demo.report.config], {
    cwd: cwd.path,
    env: { LIFEBOAT_DEMO_ACCESS_KEY_ID: "testing", LIFEBOAT_DEMO_SECRET_ACCESS_KEY: "testing" },
    timeoutMs: 120_000,
  });
const targetCounts = () => countRegion(clients.region(demo.report.environment.targetRegion));

before(async () => {
  demo = await startDemo();
  clients = awsClients({ endpoint: demo.report.endpoint });
  const created = await cli([
    "token",
    "create",
    "--name",
    "browser-test",
    "--role",
    "admin",
    "--json",
  ]);
  assert.equal(created.code, 0, created.stderr);
  token = jsonOf<{ secret: string }>(created).secret;
  browser = await launchChromium();
  page = browser.page;
  page.setDefaultTimeout(60_000);
});

after(async () => {
  await browser?.close();
  clients?.destroy();
  await demo?.stop();
  cwd.remove();
});

/** Where the shop's public record points now, read from the demo's Route53 (moto). */
async function shopRecordTarget(): Promise<string | undefined> {
  const route53 = clients.region(demo.report.environment.region).route53;
  const wanted = `${demo.report.failover.record.name.replace(/\.$/, "")}.`;
  const zones = (await route53.send(new ListHostedZonesCommand({}))).HostedZones ?? [];
  for (const zone of zones) {
    const listed = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }));
    const record = listed.ResourceRecordSets?.find((r) => r.Name === wanted);
    if (record) return record.AliasTarget?.DNSName?.replace(/\.$/, "");
  }
  return undefined;
}

/** GET an API path with the test's token, as the dashboard does. */
async function apiGet<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path.replace(/^\//, ""), demo.url), {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

test("a wrong token is refused with the server's words; the right one signs in", async () => {
  await page.goto(demo.url);
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
  // The capture shows as relative and absolute time ("just now" within 5 s of it, else "… ago").
  assert.match(await card.innerText(), /\bago\b|just now/);
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
  // The demo's own drill is in the history already.
  assert.match(
    await page.locator("[data-testid=runs]").innerText(),
    new RegExp(demo.report.drill.runId.slice(0, 8)),
  );
  const { versions } = await apiGet<{ versions: { version: number }[] }>(
    "/api/v1/environments/shop/versions",
  );
  const rows = page.locator("[data-testid=versions] tbody tr");
  assert.equal(await rows.count(), versions.length);
  assert.match(await rows.first().innerText(), new RegExp(`v${versions[0]?.version}`));
  await page.locator("[data-testid=recovery-timeline]").waitFor();
});

test("the demo's failover is torn down from its run page", async () => {
  // The failover's network occupies us-west-2, so a drill there would overlap it: tear it down.
  const failover = demo.report.failover.report.runId;
  await page.goto(`${demo.url}#/runs/${encodeURIComponent(failover)}`);
  await page.locator("[data-testid=run-phase]", { hasText: "Succeeded" }).waitFor();
  await page.click("button:has-text('Tear down')");
  await page
    .locator("[data-testid=teardown-phase]", { hasText: "Torn down" })
    .waitFor({ timeout: slow });
  const shown = await cli(["run", failover, "--json"]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(jsonOf<ReportJson>(shown).report.teardown?.phase, "succeeded");
  // The teardown is a run of its own (recorded `succeeded`), labelled as a teardown on its page.
  await page.locator("[data-testid=report-line]", { hasText: /Torn down, \d+ deleted/ }).waitFor();
  await page.click("[data-testid=report-line] a");
  await page.locator("[data-testid=run-phase]", { hasText: /^Torn down$/ }).waitFor();
  await page.goBack();
  await page.locator("[data-testid=teardown-phase]", { hasText: "Torn down" }).waitFor();
  await page.click(`a[href="#/environments/shop"]`);
  await page.locator("[data-testid=resource-graph]").waitFor();
});

test("a drill started from the UI runs to success on the live run page", async () => {
  await page.click("text=Preview plan");
  const preview = page.locator("[data-testid=plan-preview]");
  const refused = page.locator("[data-testid=start-run] [role=alert]");
  await preview.or(refused).waitFor({ timeout: slow });
  assert.equal(await refused.count(), 0, await refused.allInnerTexts().then((t) => t.join()));
  const steps = Number(/(\d+) steps/.exec(await preview.innerText())?.[1]);
  assert.ok(steps > 20, `plan preview shows ${steps} steps`);

  const baseline = await targetCounts();
  await page.click("text=Start drill");
  await page.waitForURL(/#\/runs\//, { timeout: slow });
  const runId = decodeURIComponent(page.url().split("#/runs/")[1] ?? "");
  assert.ok(runId);
  await page.locator("[data-testid=steps]").waitFor();
  assert.equal(await page.locator("[data-testid=steps] tbody tr").count(), steps);

  // A step held for a human is approved from the page; drills may have none.
  // Every phase the API records has a label: a raw word (`pending`) on the badge is a bug.
  const phase = page.locator("[data-testid=run-phase]");
  const labelled = /^(Pending|Running|Paused|Cancelling|Succeeded|Failed|Cancelled)$/;
  const finished = /^(Succeeded|Failed|Cancelled)$/;
  for (const deadline = Date.now() + slow; ;) {
    const approve = page.locator("[data-testid=approval] button.approve");
    if (await approve.count()) await approve.first().click();
    const shown = await phase.innerText();
    assert.match(shown, labelled);
    if (finished.test(shown)) break;
    assert.ok(Date.now() < deadline, `run ${runId} did not finish: ${await phase.innerText()}`);
    await page.waitForTimeout(500); // polling the page the operator watches
  }
  assert.equal(await phase.innerText(), "Succeeded");
  await page
    .locator("[data-testid=steps] tr[data-phase=succeeded]")
    .nth(steps - 1)
    .waitFor();
  assert.match(
    await page.locator("[data-testid=step-counts]").innerText(),
    new RegExp(`${steps} done`),
  );
  // A drill verifies what it built, then tears it down by itself; the page follows both.
  await page.locator("[data-testid=verification]", { hasText: "equal" }).waitFor({ timeout: slow });
  await page
    .locator("[data-testid=report-line]", { hasText: /Teardown \S+: Torn down/ })
    .waitFor({ timeout: slow });
  assert.equal(await page.locator("[data-testid=teardown-phase]").innerText(), "Torn down");
  await page.screenshot({ path: `${shots}dashboard.png`, fullPage: true });

  // The server's own record agrees with what the page showed.
  const shown = await cli(["run", runId, "--json"]);
  assert.equal(shown.code, 0, shown.stderr);
  const report = jsonOf<ReportJson>(shown).report;
  assert.equal(report.mode, "drill");
  assert.equal(report.phase, "succeeded");
  assert.equal(report.verification?.result, "equivalent");
  assert.equal(report.teardown?.phase, "succeeded");
  assert.deepEqual(await targetCounts(), baseline, "the drill left resources behind");

  // The drill history on the environment page shows it with its measured RTO and RPO.
  await page.click(`a[href="#/environments/shop"]`);
  const row = page.locator("[data-testid=runs] tbody tr", { hasText: runId.slice(0, 8) });
  await row.waitFor();
  const cells = await row.locator("td").allInnerTexts();
  assert.match(cells[1] ?? "", /^drill$/);
  assert.match(cells[2] ?? "", /Succeeded/);
  // Teardown runs belong on their recovery run's page, not in the drill history.
  assert.equal(
    await page.locator("[data-testid=runs] tbody tr", { hasText: "teardown" }).count(),
    0,
  );
  assert.match(cells[4] ?? "", /^\d+(\.\d+)? (ms|s|min)/, `RTO cell: ${cells[4]}`);
  assert.match(cells[5] ?? "", /^\d+(\.\d+)? (ms|s|min)/, `RPO cell: ${cells[5]}`);
  await page.locator("[data-testid=resource-graph]").waitFor();
  await page.screenshot({ path: `${shots}dashboard-environment.png`, fullPage: true });
  assert.deepEqual(browser.pageErrors, []);
});

test("a failover started from the UI waits for approval; approved on the run page, DNS moves", async () => {
  // The drill's test leaves the page on the environment; the demo's failover was torn down.
  const before = await shopRecordTarget();
  assert.equal(before, demo.report.failover.record.before?.target, "record back on the primary");
  await page.selectOption("#mode", "failover");
  const ask = page.getByLabel("Ask for approval before moving DNS");
  assert.equal(await ask.isChecked(), true, "approval is asked for by default");
  await page.click("text=Preview plan");
  const preview = page.locator("[data-testid=plan-preview]");
  await preview.waitFor({ timeout: slow });
  await page.fill("[aria-label='Type the environment name to confirm a failover']", "shop");
  await page.click("text=Start failover");
  await page.waitForURL(/#\/runs\//, { timeout: slow });
  const runId = decodeURIComponent(page.url().split("#/runs/")[1] ?? "");

  // The run stops at its approval step before DNS, and says so at the top of the page.
  const card = page.locator("[data-testid=approval]");
  await card.waitFor({ timeout: slow });
  assert.match(await card.innerText(), /Waiting for approval[\s\S]*approval:dns/);
  assert.equal(await page.locator("[data-testid=run-phase]").innerText(), "Running");
  assert.equal(await shopRecordTarget(), before, "DNS untouched while waiting");
  await page.screenshot({ path: `${shots}dashboard-approval.png` });

  await card.locator("[aria-label=Comment]").fill("primary region is down");
  await card.locator("button.approve").click();
  await card.waitFor({ state: "detached" });
  await page
    .locator("[data-testid=run-phase]", { hasText: /^Succeeded$/ })
    .waitFor({ timeout: slow });

  const shown = await cli(["run", runId, "--json"]);
  assert.equal(shown.code, 0, shown.stderr);
  const report = jsonOf<ReportJson>(shown).report;
  assert.equal(report.mode, "failover");
  assert.equal(report.phase, "succeeded");
  const step = (id: string) => report.steps.find((s) => s.stepId === id)?.phase;
  assert.equal(step("approval:dns"), "succeeded");
  assert.equal(step("dns-move:records"), "succeeded");
  const after = await shopRecordTarget();
  assert.notEqual(after, before, "the record moved");
  assert.match(after ?? "", new RegExp(demo.report.environment.targetRegion));
  assert.deepEqual(browser.pageErrors, []);
});
