// Every page of the web app, in light and in dark mode, checked by axe-core (no serious or critical
// violation) and photographed: the README's screenshots are these, written to docs/screenshots when
// VERITY_WRITE_SCREENSHOTS=1 (else to a temporary folder, so a test run leaves the tree clean).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ask,
  finished,
  horizontalOverflow,
  launchChromium,
  openApp,
  screenshot,
  seriousViolations,
} from "../support/browser.js";
import {
  addHelpCentre,
  addManual,
  helpCentreCollection,
  manualPage,
  startWebServer,
  type WebServer,
  webServerStartMs,
} from "../support/browser-harness.js";

const manualPages = 12;
let web: WebServer;
let browser: Browser;

const admin = () => {
  if (!web.keys) throw new Error("the server was started without keys");
  return web.keys.admin;
};

describe("the web app's pages", { tags: ["chromium"] }, () => {
  beforeAll(async () => {
    web = await startWebServer({ keys: true, chunkDelayMs: 2 });
    await addHelpCentre(web.server);
    await addManual(web.server, manualPages);
    // Answers in the ledger, so the dashboard has something to draw.
    for (const question of [
      "How much does the Team plan cost for each user?",
      "Which encryption algorithm protects my notes at rest on your servers?",
      "What is the phone number of Quillfern's office in Berlin?",
      manualPage(3).question,
    ])
      await web.server.send("/api/v1/ask", { question, collection: helpCentreCollection }, { key: admin() });
    browser = await launchChromium();
  }, webServerStartMs);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  for (const colorScheme of ["light", "dark"] as const) {
    describe(`every page in ${colorScheme} mode`, () => {
      let page: Page;
      let errors: string[];
      /** Screenshots of every page in light mode; in dark mode, of the Ask page. */
      const photograph = async (name: string) => {
        if (colorScheme === "light") await screenshot(page, name);
        else if (name === "ask") await screenshot(page, "ask-dark");
      };
      const go = async (link: string) => {
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
      };

      beforeAll(async () => {
        ({ page, errors } = await openApp(browser, `${web.url}/#/ask`, { colorScheme }));
      });
      afterAll(async () => {
        await page?.context().close();
      });

      it("sign-in", async () => {
        await page.getByLabel("API key").waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await photograph("sign-in");
        await page.getByLabel("API key").fill(admin());
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("navigation", { name: "Main" }).waitFor();
      });

      it("follows the system's colour scheme, and the Dark mode toggle overrides it", async () => {
        const toggle = page.getByRole("button", { name: "Dark mode" });
        expect(await toggle.getAttribute("aria-pressed")).toBe(String(colorScheme === "dark"));
        const background = () =>
          page.locator("body").evaluate((body) => {
            const view = globalThis as unknown as {
              getComputedStyle: (node: unknown) => { backgroundColor: string };
            };
            return view.getComputedStyle(body).backgroundColor;
          });
        const before = await background();
        await toggle.click();
        expect(await toggle.getAttribute("aria-pressed")).toBe(String(colorScheme !== "dark"));
        expect(await background()).not.toBe(before);
        await toggle.click();
        expect(await background()).toBe(before);
      });

      it("Ask, with an answer and its cited passage", async () => {
        await page.getByLabel("Collection").selectOption(helpCentreCollection);
        const answer = await ask(page, "How much does the Team plan cost for each user?");
        await finished(answer);
        await answer
          .getByRole("button", { name: /^Source 1: / })
          .first()
          .click();
        await page.getByRole("complementary", { name: "Source" }).locator("mark").first().waitFor();
        await answer.getByRole("button", { name: "Show trace" }).click();
        expect(await seriousViolations(page)).toEqual([]);
        await photograph("ask");
      });

      it("Ask, with a PDF open at the cited page", async () => {
        const answer = await ask(page, manualPage(7).question);
        await finished(answer);
        await answer
          .getByRole("button", { name: /^Source 1: plant-manual\.pdf/u })
          .first()
          .click();
        await page.getByText(`Page 7 of ${manualPages}`).waitFor();
        await page.locator('[data-highlight="true"], .textLayer mark').first().waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await photograph("ask-pdf");
      });

      it("Ask, with I don't know and the closest sources", async () => {
        const answer = await ask(page, "What is the phone number of Quillfern's office in Berlin?");
        await finished(answer);
        await answer.getByRole("region", { name: "I don't know" }).waitFor();
        await answer.getByRole("region", { name: "I don't know" }).scrollIntoViewIfNeeded();
        expect(await seriousViolations(page)).toEqual([]);
        await photograph("abstention");
      });

      it("Library", async () => {
        await go("Library");
        await page.getByLabel("Collection").selectOption(helpCentreCollection);
        await page
          .getByRole("table", { name: "Documents" })
          .getByRole("cell", { name: /^pricing-and-plans\.html/u })
          .waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await photograph("library");
      });

      it("Dashboard, each chart with its numbers as text", async () => {
        await go("Dashboard");
        for (const heading of [
          "Answers per day",
          "Abstention and escalation",
          "Cost per answered question",
          "Latency by model",
          "Budget",
        ])
          await page.getByRole("heading", { name: heading }).waitFor();
        await page.locator("canvas").first().waitFor();
        // The charts' text alternatives: tables holding today's numbers (4 questions were asked).
        const tables = await page.getByRole("table").allTextContents();
        expect(tables.join(" ")).toMatch(/\d/u);
        expect(await seriousViolations(page)).toEqual([]);
        await photograph("dashboard");
      });

      it("Keys", async () => {
        await go("Keys");
        await page.getByRole("table", { name: "API keys" }).getByText("reader", { exact: true }).waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await photograph("keys");
        expect(errors).toEqual([]);
      });
    });
  }

  describe("a phone-sized screen", () => {
    it("Ask at 375 px, with an answer, and every page without sideways scrolling", async () => {
      const { page } = await openApp(browser, `${web.url}/#/ask`, { width: 375, height: 812 });
      await page.getByLabel("API key").fill(admin());
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByLabel("Collection").selectOption(helpCentreCollection);
      const answer = await ask(page, "How much does the Team plan cost for each user?");
      await finished(answer);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, "ask-phone");
      // Every other page fits too: wide tables scroll inside their own box, never the page.
      for (const [link, ready] of [
        ["Library", page.getByRole("table", { name: "Documents" })],
        ["Dashboard", page.getByRole("heading", { name: "Latency by model" })],
        ["Keys", page.getByRole("table", { name: "API keys" })],
      ] as const) {
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
        await ready.waitFor();
        expect({ page: link, overflow: await horizontalOverflow(page) }).toEqual({ page: link, overflow: 0 });
      }
      await page.context().close();
    });
  });
});
