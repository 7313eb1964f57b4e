import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoQuestions, writeDemoCorpus } from "./demo-corpus.js";

describe("demo corpus", () => {
  let root: string;
  let firstRun: string[];
  let secondRun: string[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "verity-demo-corpus-"));
    firstRun = await writeDemoCorpus(join(root, "first"));
    secondRun = await writeDemoCorpus(join(root, "second"));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const sourceNamed = (name: string): string => {
    const path = firstRun.find((candidate) => basename(candidate) === name);
    if (path === undefined) throw new Error(`The corpus has no file named ${name}.`);
    return path;
  };

  it("writes about ten non-empty files in Markdown, HTML, PDF and DOCX", async () => {
    expect(firstRun.length).toBeGreaterThanOrEqual(8);
    expect(firstRun.length).toBeLessThanOrEqual(12);
    expect(new Set(firstRun.map((path) => extname(path)))).toEqual(
      new Set([".md", ".html", ".pdf", ".docx"]),
    );
    for (const path of firstRun) expect((await readFile(path)).length).toBeGreaterThan(0);
  });

  it("writes PDFs that start with %PDF and DOCX files that are zip archives", async () => {
    for (const path of firstRun.filter((candidate) => extname(candidate) === ".pdf")) {
      expect((await readFile(path)).subarray(0, 4).toString("latin1")).toBe("%PDF");
    }
    for (const path of firstRun.filter((candidate) => extname(candidate) === ".docx")) {
      expect((await readFile(path)).subarray(0, 2).toString("latin1")).toBe("PK");
    }
  });

  it("writes the same bytes on every run", async () => {
    expect(secondRun.map((path) => basename(path))).toEqual(firstRun.map((path) => basename(path)));
    for (const [index, path] of firstRun.entries()) {
      const again = secondRun[index] ?? "";
      expect(Buffer.compare(await readFile(path), await readFile(again)), basename(path)).toBe(0);
    }
  });

  it("answers each answerable question from a file that holds its expected phrase", async () => {
    const answerable = demoQuestions.filter((question) => question.answerable);
    expect(answerable).toHaveLength(3);
    for (const { expectedSource, expectedPhrase } of answerable) {
      const path = sourceNamed(expectedSource ?? "");
      const text = await readFile(path, "utf8");
      if ([".md", ".html"].includes(extname(path))) expect(text).toContain(expectedPhrase);
    }
  });

  it("asks one question that no document answers", () => {
    const unanswerable = demoQuestions.filter((question) => !question.answerable);
    expect(unanswerable).toHaveLength(1);
    expect(unanswerable[0]?.expectedSource).toBeUndefined();
  });

  it("keeps the navigation menu's labels out of every HTML article", async () => {
    for (const path of firstRun.filter((candidate) => extname(candidate) === ".html")) {
      const html = await readFile(path, "utf8");
      const menu = html.slice(html.indexOf("<nav"), html.indexOf("</nav>"));
      const article = html.slice(html.indexOf("<main>"), html.indexOf("</main>"));
      const labels = [...menu.matchAll(/<a [^>]*>([^<]+)<\/a>/g)].map((match) => match[1] ?? "");
      expect(labels.length).toBeGreaterThan(0);
      for (const label of labels) expect(article.toLowerCase()).not.toContain(label.toLowerCase());
    }
  });
});
