// Re-embedding a collection from the Library page in a real browser: the reindex job's progress shown
// until it succeeds, with an embedder on a fake OpenAI-compatible server; and, with none configured,
// the failed job saying how to configure one.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiCompatibleEmbedder } from "../../src/embed/openai-compatible-embedder.js";
import { type FakeEmbeddingServer, startFakeEmbeddingServer } from "../fakes/fake-embedding-server.js";
import { json } from "../server/server-harness.js";
import { launchChromium, openApp } from "../support/browser.js";
import {
  addHelpCentre,
  helpCentreCollection,
  startWebServer,
  type WebServer,
  webServerStartMs,
} from "../support/browser-harness.js";

let browser: Browser;

/** The Library page on `web`, the help centre's collection chosen, with the Re-embed button. */
async function library(web: WebServer): Promise<Page> {
  const { page } = await openApp(browser, `${web.url}/#/library`);
  await page.getByLabel("Collection").selectOption(helpCentreCollection);
  return page;
}

describe("re-embedding a collection", { tags: ["chromium"] }, () => {
  let embeddings: FakeEmbeddingServer;
  let withEmbedder: WebServer;
  let without: WebServer;

  beforeAll(async () => {
    embeddings = await startFakeEmbeddingServer({ dimensions: 16 });
    const embedder = createOpenAiCompatibleEmbedder({ baseUrl: `${embeddings.url}/v1`, model: "fake" });
    withEmbedder = await startWebServer({ verity: { embedder } });
    without = await startWebServer();
    await addHelpCentre(withEmbedder.server);
    await addHelpCentre(without.server);
    browser = await launchChromium();
  }, webServerStartMs);

  afterAll(async () => {
    await browser?.close();
    await withEmbedder?.close();
    await without?.close();
    await embeddings?.close();
  });

  it("shows the reindex job's progress until every chunk is embedded", async () => {
    const page = await library(withEmbedder);
    const collection = await json(
      await withEmbedder.server.fetch(`/api/v1/collections/${helpCentreCollection}`),
    );
    const chunks = collection.chunkCount as number;
    expect(chunks).toBeGreaterThan(10);
    await page.getByRole("button", { name: "Re-embed" }).click();
    const progress = page.getByRole("progressbar", { name: "Re-embedding" });
    await progress.waitFor();
    await page.getByText(`${chunks} of ${chunks} chunks (succeeded)`).waitFor({ timeout: 30_000 });
    expect(await progress.getAttribute("value")).toBe(String(chunks));
    expect(embeddings.requests.length).toBeGreaterThan(0);
    await page.context().close();
  });

  it("says how to configure an embedder when there is none", async () => {
    const page = await library(without);
    await page.getByRole("button", { name: "Re-embed" }).click();
    const alert = page.getByRole("alert").filter({ hasText: /embedder/iu });
    await alert.waitFor({ timeout: 30_000 });
    await page.context().close();
  });
});
