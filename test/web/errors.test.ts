// API errors in a real browser are shown where they happen, with the API's message, and never leave a
// blank page: a 500 and a 429 from the ask route, a stream that breaks off in garbage, a failing
// dashboard, a page that throws on a malformed reply (the error boundary), and the server gone.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, launchChromium, openApp } from "../support/browser.js";
import {
  addHelpCentre,
  startWebServer,
  type WebServer,
  webServerStartMs,
} from "../support/browser-harness.js";

let web: WebServer;
let browser: Browser;
let page: Page;
let stopped = false;

const failure = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** The page still works: the main navigation and the Question box are there. */
async function stillUsable(): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  expect(await page.locator("main").textContent()).not.toBe("");
}

describe("errors from the API", { tags: ["chromium"] }, () => {
  beforeAll(async () => {
    web = await startWebServer({ chunkDelayMs: 5 });
    await addHelpCentre(web.server);
    browser = await launchChromium();
    ({ page } = await openApp(browser, `${web.url}/#/ask`));
    await page.getByLabel("Collection").selectOption("help-centre");
  }, webServerStartMs);

  afterAll(async () => {
    await browser?.close();
    if (!stopped) await web?.close();
  });

  it("shows a server error's message where the question was asked", async () => {
    await page.route("**/api/v1/ask", (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: failure("E_INTERNAL", "the ledger is locked"),
      }),
    );
    await ask(page, "How much does the Team plan cost for each user?");
    await page.getByRole("alert").filter({ hasText: "the ledger is locked" }).waitFor();
    await stillUsable();
    await page.unroute("**/api/v1/ask");
  });

  it("shows the rate limit's message on a 429", async () => {
    await page.route("**/api/v1/ask", (route) =>
      route.fulfill({
        status: 429,
        contentType: "application/json",
        headers: { "retry-after": "7" },
        body: failure("E_RATE_LIMITED", "too many requests for this key; retry in 7 seconds"),
      }),
    );
    await ask(page, "How long can I work offline before the app makes me sign in again?");
    await page.getByRole("alert").filter({ hasText: "retry in 7 seconds" }).waitFor();
    await stillUsable();
    await page.unroute("**/api/v1/ask");
  });

  it("says so when an answer's stream breaks off in something that is not an event", async () => {
    await page.route("**/api/v1/ask", (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/event-stream",
        body: 'event: sentence\ndata: {"text": "The Team plan\n\nevent: done\ndata: [oops\n\n',
      }),
    );
    const before = await page.getByRole("alert").count();
    await ask(page, "What does the Free plan include?");
    await expect.poll(() => page.getByRole("alert").count()).toBe(before + 1);
    await stillUsable();
    await page.unroute("**/api/v1/ask");
  });

  it("shows a failing dashboard's message on the dashboard", async () => {
    await page.route("**/api/v1/stats/daily**", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/json",
        body: failure("E_UNAVAILABLE", "the store is busy"),
      }),
    );
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("alert").filter({ hasText: "the store is busy" }).waitFor();
    await stillUsable();
    await page.unroute("**/api/v1/stats/daily**");
  });

  it("catches a page that breaks on a malformed reply: Something went wrong, the message, the app still there", async () => {
    await page.route("**/api/v1/stats/daily**", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: '{"days":5}' }),
    );
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ask" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    const broken = page.getByRole("alert").filter({ hasText: "Something went wrong" });
    await broken.waitFor();
    expect(((await broken.textContent()) ?? "").replace("Something went wrong", "").length).toBeGreaterThan(
      5,
    );
    await stillUsable();
    await page.unroute("**/api/v1/stats/daily**");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ask" }).click();
    await page.getByLabel("Question").waitFor();
  });

  it("says the server cannot be reached when it has stopped, instead of a blank page", async () => {
    stopped = true;
    await web.close();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Library" }).click();
    const alert = page.getByRole("alert").first();
    await alert.waitFor();
    expect(((await alert.textContent()) ?? "").length).toBeGreaterThan(10);
    await stillUsable();
  });
});
