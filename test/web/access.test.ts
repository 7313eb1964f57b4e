// Keys and access groups in a real browser: signing in (a wrong key is refused with the server's
// message), what a key without the "board" group never sees (the board's minutes, in the library or in
// any answer or closest source), what a key in it sees, a recording played at its cited second through
// a media link (a player cannot send the key), and the Keys page, shown to admins only, where a
// key is created (its secret shown once) and revoked after confirming.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../server/server-harness.js";
import { ask, finished, launchChromium, openApp } from "../support/browser.js";
import {
  addBoardMinutes,
  addHelpCentre,
  boardMinutes,
  startWebServer,
  type WebServer,
  webServerStartMs,
} from "../support/browser-harness.js";
import { repositoryRoot } from "../support/cli-process.js";

let web: WebServer;
let browser: Browser;

/** A fresh page signed in with `key`, on `route`. */
async function signedIn(key: string, route = "#/ask"): Promise<Page> {
  const { page } = await openApp(browser, `${web.url}/${route}`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  return page;
}

const keys = () => {
  if (!web.keys) throw new Error("the server was started without keys");
  return web.keys;
};

describe("keys and access groups", { tags: ["chromium"] }, () => {
  beforeAll(async () => {
    web = await startWebServer({ keys: true, chunkDelayMs: 5 });
    await addHelpCentre(web.server);
    await addBoardMinutes(web.server);
    browser = await launchChromium();
  }, webServerStartMs);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it("asks for a key, and refuses a wrong one with the server's message", async () => {
    const { page } = await openApp(browser, `${web.url}/#/ask`);
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    await page.getByLabel("API key").fill("vty_not-a-real-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/key/iu);
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    await page.context().close();
  });

  it("never shows a key without the group the restricted document, in the library or in an answer", async () => {
    const page = await signedIn(keys().reader, "#/library");
    await page.getByLabel("Collection").selectOption("help-centre");
    const table = page.getByRole("table", { name: "Documents" });
    await table.getByText("pricing-and-plans.html").waitFor();
    expect(await table.getByText(boardMinutes.name).count()).toBe(0);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ask" }).click();
    await page.getByLabel("Collection").selectOption("help-centre");
    const answer = await ask(page, boardMinutes.question);
    await finished(answer);
    // Nothing of the minutes anywhere: not an answer, a citation, a closest source or the trace.
    await answer.getByRole("button", { name: "Show trace" }).click();
    await answer.getByRole("region", { name: "Trace" }).waitFor();
    const everything = ((await page.locator("body").textContent()) ?? "").replaceAll(
      boardMinutes.question,
      "",
    );
    expect(everything).not.toContain(boardMinutes.phrase);
    expect(everything).not.toContain("board-minutes");
    expect(everything).not.toContain("Orion");
    expect(await page.getByRole("link", { name: "Keys" }).count()).toBe(0);
    await page.context().close();
  });

  it("offers a read-only key no upload, removal or re-embedding, and no Keys page even by its address", async () => {
    const page = await signedIn(keys().reader, "#/library");
    await page.getByLabel("Collection").selectOption("help-centre");
    await page.getByRole("table", { name: "Documents" }).getByText("pricing-and-plans.html").waitFor();
    expect(await page.getByLabel("Upload files").count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Re-embed" }).count()).toBe(0);
    await page.goto(`${web.url}/#/keys`);
    await page.getByRole("alert").filter({ hasText: /admin/u }).waitFor();
    expect(await page.getByRole("table", { name: "API keys" }).count()).toBe(0);
    await page.context().close();
  });

  it("lists only the collections a key reaches", async () => {
    const finance = join(web.server.dir, "budget.md");
    writeFileSync(finance, "# Budget\n\nThe travel budget for 2027 is 40,000 euros.\n");
    await web.server.verity.ingest([finance], { collection: "finance" });
    const scoped = await web.server.verity.keys.create({
      name: "scoped",
      scopes: ["read"],
      groups: [],
      collections: ["help-centre"],
    });
    const page = await signedIn(scoped.secret);
    await page
      .getByLabel("Collection")
      .locator("option", { hasText: "help-centre" })
      .waitFor({ state: "attached" });
    const options = await page.getByLabel("Collection").locator("option").allTextContents();
    expect(options.join(" ")).toContain("help-centre");
    expect(options.join(" ")).not.toContain("finance");
    const everyone = await signedIn(keys().insider);
    await everyone
      .getByLabel("Collection")
      .locator("option", { hasText: "finance" })
      .waitFor({ state: "attached" });
    await page.context().close();
    await everyone.context().close();
  });

  it("shows a key in the group the restricted document and answers from it", async () => {
    const page = await signedIn(keys().insider, "#/library");
    await page.getByLabel("Collection").selectOption("help-centre");
    await page.getByRole("table", { name: "Documents" }).getByText(boardMinutes.name).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ask" }).click();
    await page.getByLabel("Collection").selectOption("help-centre");
    const answer = await ask(page, boardMinutes.question);
    await finished(answer);
    await answer.getByText(boardMinutes.phrase).waitFor();
    await answer
      .getByRole("button", { name: /^Source 1: board-minutes\.md/u })
      .first()
      .waitFor();
    await page.context().close();
  });

  describe("a recording, signed in with a key", { tags: ["ffmpeg", "pocketsphinx"] }, () => {
    const question = "What can you do for your country?";

    beforeAll(async () => {
      await web.server.verity.ingest([join(repositoryRoot, "test/fixtures/speech/jfk.flac")], {
        collection: "help-centre",
      });
    }, 60_000);

    it("streams from a media link and plays from the second the citation starts", async () => {
      const expected = await json(
        await web.server.send("/api/v1/ask", { question, collection: "help-centre" }, { key: keys().reader }),
      );
      const citation = expected.sentences?.[0]?.citations?.[0];
      expect(citation?.source).toMatch(/jfk\.flac$/u);
      const start = (citation.location.startMs as number) / 1000;
      expect(start).toBeGreaterThan(5);

      const page = await signedIn(keys().reader);
      await page.getByLabel("Collection").selectOption("help-centre");
      const answer = await ask(page, question);
      await finished(answer);
      await answer
        .getByRole("button", { name: /^Source 1: jfk\.flac, \d\d:\d\d/u })
        .first()
        .click();
      const player = page.getByRole("complementary", { name: "Source" }).getByLabel("Recording");
      await player.waitFor();
      const state = () =>
        player.evaluate((element) => {
          const media = element as unknown as { currentTime: number; duration: number; currentSrc: string };
          return { at: media.currentTime, duration: media.duration, src: media.currentSrc };
        });
      await expect.poll(async () => (await state()).at).toBeCloseTo(start, 1);
      const { duration, src } = await state();
      // The whole 11 s recording's metadata came through the link, which is not a downloaded blob.
      expect(duration).toBeGreaterThan(10);
      expect(src).not.toMatch(/^blob:/u);
      expect(src).toContain(`${web.url}/api/v1/`);
      expect(src).toContain("token=");
      await page.context().close();
    });
  });

  it("lets an admin create a key, shows its secret once, and revokes it after confirming", async () => {
    const page = await signedIn(keys().admin, "#/keys");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Keys" }).waitFor();
    const table = page.getByRole("table", { name: "API keys" });
    await table.getByText("reader", { exact: true }).waitFor();
    const form = page.getByRole("form", { name: "Create key" });
    await form.getByLabel("Name").fill("support-bot");
    await form.getByRole("checkbox", { name: "read" }).check();
    await form.getByLabel("Groups").fill("board");
    await form.getByRole("button", { name: "Create" }).click();
    const created = page.getByRole("region", { name: "New key" });
    await created.waitFor();
    const secret = await created.locator("code").textContent();
    expect(secret).toMatch(/^vty_/u);
    await created.getByRole("button", { name: "Copy" }).waitFor();
    await table.getByText("support-bot", { exact: true }).waitFor();
    const session = await web.server.fetch("/api/v1/session", {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(session.status).toBe(200);

    await page.getByRole("button", { name: "Revoke support-bot" }).click();
    await page.getByRole("button", { name: "Confirm revoke" }).click();
    await page.getByRole("button", { name: "Revoke support-bot" }).waitFor({ state: "detached" });
    const revoked = await web.server.fetch("/api/v1/session", {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(revoked.status).toBe(401);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    await page.context().close();
  });
});
