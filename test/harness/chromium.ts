/**
 * Debian's Chromium driven by playwright-core, headless, for the dashboard's browser tests.
 * A fresh profile per launch, removed on close. Background networking, sync and component
 * updates are off: they would dial out, and on a closed network Chromium's connections are
 * refused. A missing browser fails the test with the install command; it is never skipped.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const chromiumPath = process.env.LIFEBOAT_CHROMIUM ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox", // tests run as root in CI, where Chromium's sandbox refuses to start
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught exceptions of the page: a test that ends with any has found a bug. */
  readonly pageErrors: string[];
  /** Console errors (a refused request logs one too, so these are for failure messages). */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchChromium(
  viewport: { width: number; height: number } = { width: 1400, height: 900 },
): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium was not found at ${chromiumPath}. Install it with: apt-get install chromium ` +
        "(or set LIFEBOAT_CHROMIUM to its path).",
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "lifeboat-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  return {
    context,
    page,
    pageErrors,
    consoleErrors,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
