// The Ask page in a real browser: verified sentences stream in with their citations; a citation opens its
// passage marked in the text, a PDF at the cited page, and the closest sources of an "I don't know";
// the trace and the Markdown copy; asking with the keyboard alone; and a phone-sized screen.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ask,
  finished,
  horizontalOverflow,
  inView,
  isFocused,
  launchChromium,
  openApp,
} from "../support/browser.js";
import {
  addHelpCentre,
  addManual,
  manualPage,
  startWebServer,
  type WebServer,
  webServerStartMs,
} from "../support/browser-harness.js";

const manualPages = 12;
let web: WebServer;
let browser: Browser;
let page: Page;
let errors: string[];

describe("the Ask page", { tags: ["chromium"] }, () => {
  beforeAll(async () => {
    // Slow enough a stream (8 characters every 25 ms) that a first sentence is seen before the last.
    web = await startWebServer({ chunkDelayMs: 25 });
    await addHelpCentre(web.server);
    await addManual(web.server, manualPages);
    browser = await launchChromium();
    ({ page, errors } = await openApp(browser, `${web.url}/#/ask`, { clipboard: true }));
    await page.getByLabel("Collection").selectOption("help-centre");
  }, webServerStartMs);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it("shows each verified sentence as it streams, before the answer is complete", async () => {
    // Two quoted sentences: the second is still streaming when the first is shown.
    const answer = await ask(page, "Which encryption algorithm protects my notes at rest on your servers?");
    await answer.getByText("encrypted at rest with AES-256").waitFor();
    expect(await answer.getAttribute("aria-busy")).toBe("true");
    expect(await answer.getByText("every plan protects your notes").count()).toBe(0);
    await finished(answer);
    await answer.getByText("every plan protects your notes").waitFor();
    expect(
      await answer.getByRole("button", { name: /^Source 1: security-and-encryption\.pdf/u }).count(),
    ).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it("opens a cited passage in the Source panel with the cited span marked and in view", async () => {
    const answer = await ask(page, "How much does the Team plan cost for each user?");
    await finished(answer);
    await answer
      .getByRole("button", { name: /^Source 1: pricing-and-plans\.html/u })
      .first()
      .click();
    const source = page.getByRole("complementary", { name: "Source" });
    const mark = source.locator("mark").first();
    await mark.waitFor();
    expect(await source.locator("mark").allInnerTexts()).toContain(
      "The Team plan costs $8 per user per month, billed annually, or $10 per user per month when billed monthly.",
    );
    await expect.poll(() => inView(mark)).toBe(true);
  });

  it("opens a PDF citation at the cited page, the quoted words highlighted", async () => {
    const { question, fact } = manualPage(7);
    const answer = await ask(page, question);
    await finished(answer);
    await answer
      .getByRole("button", { name: /^Source 1: plant-manual\.pdf/u })
      .first()
      .click();
    const source = page.getByRole("complementary", { name: "Source" });
    await source.getByText(`Page 7 of ${manualPages}`).waitFor();
    await source.locator('[data-page="7"]').waitFor();
    const highlighted = source.locator('[data-highlight="true"], mark');
    await highlighted.first().waitFor();
    const words = (await highlighted.allInnerTexts()).join(" ");
    expect(words).toContain(fact.split(" ")[1]);
  });

  it("answers an unanswerable question with I don't know, its reason and closest sources that open", async () => {
    const answer = await ask(page, "What is the phone number of Quillfern's office in Berlin?");
    await finished(answer);
    const card = answer.getByRole("region", { name: "I don't know" });
    await card.waitFor();
    // The reason, in words, under the heading.
    expect(((await card.textContent()) ?? "").replace("I don't know", "").trim().length).toBeGreaterThan(20);
    expect(await answer.getByRole("button", { name: /^Source \d/u }).count()).toBe(0);
    const closest = card.getByRole("button", { name: /^Open source 1: / });
    await closest.click();
    const source = page.getByRole("complementary", { name: "Source" });
    await source.locator("mark").first().waitFor();
  });

  it("shows each answer's trace: the model, its verdicts and the cost", async () => {
    const answer = page.getByRole("article", { name: "Answer" }).first();
    await answer.getByRole("button", { name: "Show trace" }).click();
    const trace = answer.getByRole("region", { name: "Trace" });
    await trace.waitFor();
    const text = (await trace.textContent()) ?? "";
    expect(text).toContain("quoting");
    expect(text).toMatch(/supported/iu);
    await answer.getByRole("button", { name: "Hide trace" }).click();
    await trace.waitFor({ state: "detached" });
  });

  it("copies an answer as Markdown with its citations", async () => {
    const answer = page.getByRole("article", { name: "Answer" }).first();
    await answer.getByRole("button", { name: "Copy as Markdown" }).click();
    await answer.getByText("Copied as Markdown.").waitFor();
    const copied = (await page.evaluate("navigator.clipboard.readText()")) as string;
    expect(copied).toContain("encrypted at rest with AES-256");
    expect(copied).toMatch(/\[1\]/u);
    expect(copied).toContain("security-and-encryption.pdf");
  });

  it("asks and opens a citation with the keyboard alone (Tab, Enter)", async () => {
    const { page: fresh } = await openApp(browser, `${web.url}/#/ask`);
    const question = fresh.getByLabel("Question");
    for (let tab = 0; tab < 20 && !(await isFocused(question)); tab++) await fresh.keyboard.press("Tab");
    expect(await isFocused(question)).toBe(true);
    await fresh.keyboard.type("How much does the Team plan cost for each user?");
    await fresh.keyboard.press("Enter");
    const answer = fresh.getByRole("article", { name: "Answer" });
    await answer.getByText("$8 per user per month").first().waitFor();
    await finished(answer);
    const chip = answer.getByRole("button", { name: /^Source 1: / }).first();
    await chip.focus();
    await fresh.keyboard.press("Enter");
    await fresh.getByRole("complementary", { name: "Source" }).waitFor();
    await fresh.context().close();
  });

  it("is usable 375 px wide: nothing scrolls sideways, answers and sources fit", async () => {
    const { page: phone } = await openApp(browser, `${web.url}/#/ask`, { width: 375, height: 740 });
    expect(await horizontalOverflow(phone)).toBe(0);
    const answer = await ask(phone, "How much does the Team plan cost for each user?");
    await finished(answer);
    expect(await horizontalOverflow(phone)).toBe(0);
    await answer
      .getByRole("button", { name: /^Source 1: / })
      .first()
      .click();
    const source = phone.getByRole("complementary", { name: "Source" });
    await source.locator("mark").first().waitFor();
    expect(await horizontalOverflow(phone)).toBe(0);
    const box = await source.boundingBox();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);
    await phone.context().close();
  });
});
