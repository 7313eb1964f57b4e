// What the web app costs a person: the JavaScript shipped on first load (gzip bytes of every script the
// index page loads before any interaction, from the built files and as the browser fetched them), the
// time from pressing Enter to the first verified sentence on screen with a streaming fake model, and
// the time for a citation into a 50-page PDF to open at its page (pdf.js loaded on the way, and again
// with it loaded). Debian's Chromium through playwright-core; the server in this process on loopback.
//   npm run bench:web -- [--runs 15] [--pdf-runs 10] [--pdf-pages 50] [--write]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../test/support/browser.js";
import {
  addHelpCentre,
  addManual,
  helpCentreCollection,
  manualPage,
  startWebServer,
} from "../test/support/browser-harness.js";
import { markdownTable, median, writeSection } from "./report.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    "pdf-runs": { type: "string", default: "10" },
    "pdf-pages": { type: "string", default: "50" },
    write: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const pdfRuns = Number(values["pdf-runs"]);
const pdfPages = Number(values["pdf-pages"]);
/** The fake model streams 8 characters every 10 ms, as in bench:server. */
const chunkSize = 8;
const chunkDelayMs = 10;
const warmUp = 2;
const aimBytes = 200 * 1024;

const gzipBytes = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (values: number[]) =>
  `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;

interface Script {
  file: string;
  bytes: number;
  gzip: number;
}

/** The scripts index.html loads at once: its module scripts and preloads, and their static imports. */
function firstLoadFromBuild(webBuild: string): Script[] {
  const html = readFileSync(join(webBuild, "index.html"), "utf8");
  const queue = [
    ...html.matchAll(/<script[^>]+src="\.\/([^"]+)"/gu),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\.\/([^"]+)"/gu),
  ].map((match) => match[1] as string);
  const seen = new Map<string, Script>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    const bytes = readFileSync(join(webBuild, file));
    seen.set(file, { file, bytes: bytes.length, gzip: gzipBytes(bytes) });
    // Static imports only (`import{a}from"./x.js"`, `import"./x.js"`); `import("./x.js")` is loaded later.
    const folder = file.slice(0, file.lastIndexOf("/") + 1);
    for (const match of bytes
      .toString("utf8")
      .matchAll(/\bimport\s*(?:[\w$*{}\s,]+?from\s*)?["']\.\/([^"']+\.m?js)["']/gu))
      queue.push(`${folder}${match[1]}`);
  }
  return [...seen.values()];
}

/** The scripts the browser fetched for `#/ask`, loaded and settled, before anything is touched. */
async function firstLoadInBrowser(browser: Browser, url: string): Promise<Script[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched: Promise<Script>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() !== "script") return;
    fetched.push(
      response.body().then((body) => ({
        file: new URL(response.url()).pathname.replace(/^\//u, ""),
        bytes: body.length,
        gzip: gzipBytes(body),
      })),
    );
  });
  await page.goto(`${url}/#/ask`, { waitUntil: "networkidle" });
  await page.getByLabel("Question").waitFor();
  const scripts = await Promise.all(fetched);
  await context.close();
  return scripts;
}

/**
 * Waits until `expression` is true in the page. Polled from here: the app's Content-Security-Policy
 * forbids the string evaluation waitForFunction needs, and the times are stamped in the page anyway.
 */
async function until(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Counts, in the page, from the Enter keydown to the first sentence of the new answer on screen. */
const timerScript = `(() => {
  const timer = { start: 0, first: 0, phrase: "", index: 0 };
  window.__timer = timer;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter") timer.start = performance.now();
  }, true);
  new MutationObserver(() => {
    if (!timer.start || timer.first) return;
    const answer = document.querySelectorAll('article[aria-label="Answer"]')[timer.index];
    if (answer && answer.textContent.includes(timer.phrase)) timer.first = performance.now();
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

async function enterToFirstSentence(page: Page, question: string, phrase: string): Promise<number> {
  await page.reload();
  await page.getByLabel("Collection").selectOption(helpCentreCollection);
  await page.evaluate(timerScript);
  await page.evaluate(`Object.assign(window.__timer, { phrase: ${JSON.stringify(phrase)}, index: 0 })`);
  const box = page.getByLabel("Question");
  await box.fill(question);
  await box.press("Enter");
  await until(page, "window.__timer.first > 0");
  const elapsed = (await page.evaluate("window.__timer.first - window.__timer.start")) as number;
  await page.locator('article[aria-label="Answer"][aria-busy="false"]').waitFor();
  return elapsed;
}

/** From the click on a PDF citation to "Page P of N" shown, and to the quote highlighted on that page. */
const pdfTimerScript = `(target) => {
  const timer = { start: 0, page: 0, highlight: 0 };
  window.__pdf = timer;
  document.addEventListener("click", () => { if (!timer.start) timer.start = performance.now(); }, true);
  new MutationObserver(() => {
    if (!timer.start) return;
    const panel = document.querySelector('aside[aria-label="Source"]');
    if (!panel) return;
    if (!timer.page && panel.querySelector('[data-page="' + target.page + '"]') && panel.textContent.includes(target.text))
      timer.page = performance.now();
    if (timer.page && !timer.highlight && panel.querySelector('[data-highlight="true"]'))
      timer.highlight = performance.now();
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}`;

async function openPdfCitation(page: Page, target: number): Promise<{ page: number; highlight: number }> {
  const { question } = manualPage(target);
  const answers = page.getByRole("article", { name: "Answer" });
  const index = await answers.count();
  const box = page.getByLabel("Question");
  await box.fill(question);
  await box.press("Enter");
  const answer = answers.nth(index);
  await answer.and(page.locator('[aria-busy="false"]')).waitFor();
  const chip = answer.getByRole("button", { name: /^Source 1: plant-manual\.pdf/u }).first();
  await page.evaluate(
    `(${pdfTimerScript})(${JSON.stringify({ page: target, text: `Page ${target} of ${pdfPages}` })})`,
  );
  await chip.click();
  await until(page, "window.__pdf.highlight > 0");
  const timer = (await page.evaluate("window.__pdf")) as { start: number; page: number; highlight: number };
  return { page: timer.page - timer.start, highlight: timer.highlight - timer.start };
}

const web = await startWebServer({ chunkDelayMs });
let browser: Browser | undefined;
try {
  await addHelpCentre(web.server);
  await addManual(web.server, pdfPages);
  browser = await launchChromium();

  const built = firstLoadFromBuild(web.webRoot);
  const fetched = await firstLoadInBrowser(browser, web.url);
  const builtGzip = built.reduce((sum, script) => sum + script.gzip, 0);
  const fetchedGzip = fetched.reduce((sum, script) => sum + script.gzip, 0);
  console.error(
    `first load: ${built.length} scripts from the build, ${fetched.length} fetched by the browser`,
  );

  // Enter to the first verified sentence: a fresh page each time (no conversation to rewrite).
  const question = "How much does the Team plan cost for each user?";
  const phrase = "The Team plan costs $8 per user per month";
  const answerText =
    "The Team plan costs $8 per user per month, billed annually, or $10 per user per month when billed monthly [1].";
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${web.url}/#/ask`);
  const first: number[] = [];
  for (let run = 0; run < runs + warmUp; run++) {
    const elapsed = await enterToFirstSentence(page, question, phrase);
    if (run >= warmUp) first.push(elapsed);
  }
  await context.close();
  console.error(`enter to first sentence: ${runs} runs done`);
  const modelFloor = Math.ceil(answerText.length / chunkSize) * chunkDelayMs;

  // A citation into the PDF: in a fresh context (pdf.js and the PDF loaded on the way), then a second
  // one in the same page, the panel already showing another page of the same PDF.
  const coldPage: number[] = [];
  const coldHighlight: number[] = [];
  const warmPage: number[] = [];
  const warmHighlight: number[] = [];
  for (let run = 0; run < pdfRuns + 1; run++) {
    const pdfContext = await browser.newContext();
    const pdfPage = await pdfContext.newPage();
    await pdfPage.goto(`${web.url}/#/ask`);
    await pdfPage.getByLabel("Collection").selectOption(helpCentreCollection);
    // Deep pages, a different pair each run.
    const target = pdfPages - ((run * 7) % Math.min(pdfPages, 26));
    const cold = await openPdfCitation(pdfPage, target);
    const warm = await openPdfCitation(pdfPage, Math.max(1, target - 13));
    await pdfContext.close();
    if (run === 0) continue; // warm-up: the server's first reads of the PDF
    coldPage.push(cold.page);
    coldHighlight.push(cold.highlight);
    warmPage.push(warm.page);
    warmHighlight.push(warm.highlight);
  }
  console.error(`PDF citations: ${pdfRuns} runs done`);

  const sizes = markdownTable(
    ["first load (#/ask, before any interaction)", "scripts", "bytes", "gzip (level 9)"],
    [
      [
        "from the build (index.html and its static imports)",
        built.length,
        kb(built.reduce((s, x) => s + x.bytes, 0)),
        kb(builtGzip),
      ],
      [
        "as the browser fetched them",
        fetched.length,
        kb(fetched.reduce((s, x) => s + x.bytes, 0)),
        kb(fetchedGzip),
      ],
    ],
  );
  const files = markdownTable(
    ["script fetched", "bytes", "gzip"],
    fetched.map((script) => [`\`${script.file}\``, kb(script.bytes), kb(script.gzip)]),
  );
  const times = markdownTable(
    ["measure", "runs", "median ms (min–max)"],
    [
      ["Enter → first verified sentence on screen", runs, ms(first)],
      ["the model alone: its stream to the end of that sentence", "–", String(modelFloor)],
      [
        `PDF citation → page shown ("Page P of ${pdfPages}"), fresh page: pdf.js loaded on the way`,
        pdfRuns,
        ms(coldPage),
      ],
      ["… → the quote highlighted on it", pdfRuns, ms(coldHighlight)],
      ["PDF citation → page shown, the panel already on another page of it", pdfRuns, ms(warmPage)],
      ["… → the quote highlighted on it", pdfRuns, ms(warmHighlight)],
    ],
  );
  const aims = markdownTable(
    ["aim", "measured", "met"],
    [["first-load JavaScript ≤ 200 KB gzip", kb(fetchedGzip), fetchedGzip <= aimBytes ? "yes" : "no"]],
  );
  const body = [
    `The web app built by Vite with its own config, as \`npm run build\` does (a production build of \`web/\`), served by the server in this process on loopback; Debian's Chromium (headless, playwright-core). The fake model streams ${chunkSize} characters every ${chunkDelayMs} ms and quotes one sentence; timings are taken in the page (performance.now from the Enter keydown, or the click, to the DOM change), ${warmUp} warm-up runs first.`,
    "",
    sizes,
    "",
    files,
    "",
    times,
    "",
    aims,
  ].join("\n");
  console.log(body);
  if (values.write)
    writeSection("bench-web", "Web app: first load, first sentence, PDF citation", "npm run bench:web", body);
} finally {
  await browser?.close();
  await web.close();
}
