// The Library page in a real browser: a new collection, the demo help centre uploaded through the file
// input with a progress bar per file and a file Verity cannot read explained in words, the documents
// table, asking the uploaded documents, removing one after confirming; and a recording uploaded,
// transcribed, flagged as a low-accuracy transcript and played from the moment an answer cites.
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../server/server-harness.js";
import { ask, finished, launchChromium, openApp } from "../support/browser.js";
import {
  startWebServer,
  type WebServer,
  webServerStartMs,
  writeHelpCentre,
} from "../support/browser-harness.js";
import { repositoryRoot } from "../support/cli-process.js";

let web: WebServer;
let browser: Browser;
let page: Page;
let errors: string[];

/** The row of the Documents table whose first cell names `name`. */
const row = (name: string) =>
  page
    .getByRole("table", { name: "Documents" })
    .getByRole("row")
    .filter({ has: page.getByRole("cell", { name: new RegExp(`^${name.replaceAll(".", "\\.")}`, "u") }) });

describe("the Library page", { tags: ["chromium"] }, () => {
  beforeAll(async () => {
    web = await startWebServer({ chunkDelayMs: 5 });
    browser = await launchChromium();
    ({ page, errors } = await openApp(browser, `${web.url}/#/library`));
  }, webServerStartMs);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it("creates a collection", async () => {
    await page.getByRole("button", { name: "New collection" }).click();
    await page.getByLabel("Name", { exact: true }).fill("help-centre");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page
      .getByLabel("Collection")
      .locator("option", { hasText: "help-centre" })
      .waitFor({ state: "attached" });
    expect(await page.getByLabel("Collection").inputValue()).toBe("help-centre");
  });

  it("uploads the help centre with a progress bar per file, and explains a file it cannot read", async () => {
    const files = await writeHelpCentre(web.server);
    const unreadable = join(web.server.dir, "diagram.xyz");
    writeFileSync(unreadable, "\u0000\u0001 not a document");
    await page.getByLabel("Upload files").setInputFiles([...files, unreadable]);
    for (const file of files) await page.getByRole("progressbar", { name: basename(file) }).waitFor();
    const failure = page.getByRole("alert").filter({ hasText: "diagram.xyz:" });
    await failure.waitFor({ timeout: 30_000 });
    const words = (await failure.textContent()) ?? "";
    expect(words).not.toMatch(/E_[A-Z_]+/u);
    expect(words).not.toContain(web.server.dir);
    for (const file of files) await row(basename(file)).getByText("indexed").waitFor({ timeout: 30_000 });
    const table = page.getByRole("table", { name: "Documents" });
    for (const header of ["Name", "Type", "Size", "Chunks", "Status"])
      await table.getByRole("columnheader", { name: header }).waitFor();
    expect(await row("diagram.xyz").count()).toBe(0);
  });

  it("answers from the uploaded documents", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ask" }).click();
    await page.getByLabel("Collection").selectOption("help-centre");
    const answer = await ask(page, "How much does the Team plan cost for each user?");
    await finished(answer);
    await answer.getByText("$8 per user per month").first().waitFor();
    await answer
      .getByRole("button", { name: /^Source 1: pricing-and-plans\.html/u })
      .first()
      .waitFor();
  });

  it("removes a document only once the removal is confirmed", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Library" }).click();
    await page.getByRole("button", { name: "Remove refund-policy.html" }).click();
    expect(await row("refund-policy.html").count()).toBe(1);
    await page.getByRole("button", { name: "Confirm remove" }).click();
    await row("refund-policy.html").waitFor({ state: "detached" });
    const listed = await json(await web.server.fetch("/api/v1/collections/help-centre/documents"));
    expect(JSON.stringify(listed)).not.toContain("refund-policy.html");
    expect(JSON.stringify(listed)).toContain("pricing-and-plans.html");
    expect(errors).toEqual([]);
  });

  it("uploads a whole folder, and files dropped on the drop zone", async () => {
    const folder = join(web.server.dir, "handbook");
    mkdirSync(join(folder, "travel"), { recursive: true });
    writeFileSync(join(folder, "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
    writeFileSync(
      join(folder, "travel", "trains.md"),
      "# Trains\n\nTrain tickets are booked in second class.\n",
    );
    await page.getByLabel("Upload folder").setInputFiles(folder);
    await row("leave.md").getByText("indexed").waitFor({ timeout: 30_000 });
    await row("trains.md").getByText("indexed").waitFor({ timeout: 30_000 });

    // A drop as the browser makes one: a DataTransfer holding a file, dropped on the zone.
    const zone = page.getByText("Drop files or folders here").locator("..");
    const transfer = await page.evaluateHandle(() => {
      const view = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: string[], name: string, options: { type: string }) => unknown;
      };
      const data = new view.DataTransfer();
      data.items.add(
        new view.File(["# Parking\n\nVisitors park in bay 4.\n"], "parking.md", { type: "text/markdown" }),
      );
      return data;
    });
    await zone.dispatchEvent("dragover", { dataTransfer: transfer });
    await zone.dispatchEvent("drop", { dataTransfer: transfer });
    await page.getByRole("progressbar", { name: "parking.md" }).waitFor();
    await row("parking.md").getByText("indexed").waitFor({ timeout: 30_000 });
  });

  describe("a recording", { tags: ["ffmpeg", "pocketsphinx"] }, () => {
    const question = "What can you do for your country?";

    it("is uploaded, transcribed and flagged as a low-accuracy transcript", async () => {
      await page
        .getByLabel("Upload files")
        .setInputFiles(join(repositoryRoot, "test/fixtures/speech/jfk.flac"));
      await page.getByRole("progressbar", { name: "jfk.flac" }).waitFor();
      await row("jfk.flac").getByText("indexed").waitFor({ timeout: 60_000 });
      await row("jfk.flac").getByText("low accuracy").waitFor();
    }, 90_000);

    it("plays from the second the cited sentence starts", async () => {
      const expected = await json(
        await web.server.send("/api/v1/ask", { question, collection: "help-centre" }),
      );
      const citation = expected.sentences?.[0]?.citations?.[0];
      expect(citation?.source).toMatch(/jfk\.flac$/u);
      const start = (citation.location.startMs as number) / 1000;
      // Kennedy says it about 8 s in: a player left at 0 would not pass.
      expect(start).toBeGreaterThan(5);

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ask" }).click();
      const answer = await ask(page, question);
      await finished(answer);
      await answer
        .getByRole("button", { name: /^Source 1: jfk\.flac, \d\d:\d\d/u })
        .first()
        .click();
      const player = page.getByRole("complementary", { name: "Source" }).getByLabel("Recording");
      await player.waitFor();
      await expect
        .poll(() => player.evaluate((element) => (element as unknown as { currentTime: number }).currentTime))
        .toBeCloseTo(start, 1);
    });
  });
});
