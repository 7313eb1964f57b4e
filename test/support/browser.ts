// Debian's Chromium driven by playwright-core for the web app's tests (never a downloaded browser), with
// the accessibility check (axe-core injected into the page) and the screenshots the README shows.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { repositoryRoot } from "./cli-process.js";
import { chromiumBinary, resolveExecutable } from "./system-tools.js";

/** Chromium as system-tools.ts finds it (VERITY_CHROMIUM, else `chromium` on the PATH), headless. */
export function launchChromium(): Promise<Browser> {
  const binary = chromiumBinary();
  const executablePath = resolveExecutable(binary);
  if (!executablePath) {
    throw new Error(`Chromium not found at ${binary}: apt-get install chromium, or set VERITY_CHROMIUM.`);
  }
  // Chromium's sandbox refuses to start as root (containers, CI).
  return chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * axe-core's serious and critical violations on the page as it is now, one line each (rule, what it
 * asks, where), so a failing test says what to fix.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeScript });
  // A string, evaluated in the page (the tests' TypeScript has no DOM types).
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes
          .slice(0, 3)
          .map((node) => JSON.stringify(node.target))
          .join(", ")}${violation.nodes.length > 3 ? ` and ${violation.nodes.length - 3} more` : ""}`,
    );
}

/**
 * Where screenshots go: docs/screenshots (committed, shown by the README) with VERITY_WRITE_SCREENSHOTS=1,
 * else a temporary folder, so that a test run leaves the working tree clean.
 */
export function screenshotFolder(): string {
  const folder =
    process.env.VERITY_WRITE_SCREENSHOTS === "1"
      ? join(repositoryRoot, "docs", "screenshots")
      : join(tmpdir(), "verity-screenshots");
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** A PNG of the viewport, named `name`.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(screenshotFolder(), `${name}.png`);
  await page.screenshot({ path, animations: "disabled" });
  return path;
}

/** The page's horizontal overflow in CSS pixels (0 when nothing scrolls sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  ) as Promise<number>;
}

export interface AppPage {
  page: Page;
  /** Uncaught exceptions in the page, as they happen (a test may assert there are none). */
  errors: string[];
}

/**
 * A page in a context of its own: light or dark, a viewport, and the app's Content-Security-Policy
 * bypassed so axe-core can be injected (the app itself never needs it bypassed).
 */
export async function openApp(
  browser: Browser,
  url: string,
  options: { colorScheme?: "light" | "dark"; width?: number; height?: number; clipboard?: boolean } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    bypassCSP: true,
    colorScheme: options.colorScheme ?? "light",
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    reducedMotion: "reduce",
  });
  if (options.clipboard)
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}

/** Types `question` into the Ask page's Question box and presses Enter; resolves with the new answer. */
export async function ask(page: Page, question: string): Promise<Locator> {
  const before = await page.getByRole("article", { name: "Answer" }).count();
  const box = page.getByLabel("Question");
  await box.fill(question);
  await box.press("Enter");
  const answer = page.getByRole("article", { name: "Answer" }).nth(before);
  await answer.waitFor();
  return answer;
}

/** Waits until `answer` has finished streaming (the article is no longer busy). */
export async function finished(answer: Locator): Promise<void> {
  await answer.and(answer.page().locator('[aria-busy="false"]')).waitFor();
}

// Functions run in the page; the tests' TypeScript has no DOM types, so the page's globals are typed here.
interface PageBox {
  left: number;
  top: number;
  width: number;
  height: number;
}
interface PageElement {
  getBoundingClientRect(): PageBox;
  contains(other: unknown): boolean;
}
interface PageDocument {
  activeElement: unknown;
  elementFromPoint(x: number, y: number): PageElement | null;
}

/** Whether the element is on screen and not covered or scrolled out of its container. */
export function inView(locator: Locator): Promise<boolean> {
  return locator.evaluate((node) => {
    const element = node as unknown as PageElement;
    const box = element.getBoundingClientRect();
    const document = (globalThis as unknown as { document: PageDocument }).document;
    const hit = document.elementFromPoint(
      box.left + Math.min(box.width / 2, 4),
      box.top + Math.min(box.height / 2, 4),
    );
    return hit !== null && (hit === element || element.contains(hit) || hit.contains(element));
  });
}

/** Whether the element has the keyboard focus. */
export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate(
    (node) => node === (globalThis as unknown as { document: PageDocument }).document.activeElement,
  );
}
