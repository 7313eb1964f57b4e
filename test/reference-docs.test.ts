import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReferenceQuestions, referenceDocs } from "../eval/reference-docs.js";
import { createVerity, type Verity } from "../src/engine.js";

// The reference docs of a fictional backup tool (test/fixtures/reference-docs), asked without a model.
describe("answering from reference docs", () => {
  let dataDir: string;
  let verity: Verity;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "verity-reference-"));
    verity = createVerity({ dataDir });
    await verity.ingest([join(referenceDocs, "docs")], { collection: "kestrel" });
  });
  afterAll(async () => {
    await verity.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ask = (question: string) => verity.ask(question, { collection: "kestrel" });

  it("answers a default with the list item under the setting's heading", async () => {
    const answer = await ask("What is the default buffer size of the cache?");
    expect(answer.sentences[0]?.text).toBe("- Default: 16384");
    expect(answer.sentences[0]?.citations[0]?.location.headingPath).toEqual([
      "Configuration reference",
      "cache",
      "buffer_size",
    ]);
    expect(answer.trace.units).toEqual(["list-item"]);
  });

  it("answers which flag does something with the paragraph under the flag's heading, citing the heading", async () => {
    const answer = await ask("Which flag disables colour output?");
    expect(answer.sentences[0]?.text).toBe("Disables colour output. Useful when the output goes to a file.");
    expect(answer.sentences[0]?.citations[0]?.location.headingPath?.at(-1)).toBe("--no-color");
  });

  it("answers a how-to question with the steps under the matching heading, cited as one span", async () => {
    const answer = await ask("How do I restore a single file?");
    const [steps] = answer.sentences;
    expect(steps?.text.split("\n")).toHaveLength(4);
    expect(steps?.text).toMatch(/^1\. List the snapshots[\s\S]*4\. Check the file in \.\/restored/);
    expect(steps?.citations).toHaveLength(1);
    const location = steps?.citations[0]?.location;
    expect((location?.charEnd ?? 0) - (location?.charStart ?? 0)).toBe(steps?.text.length);
    expect((answer.trace.units as string[])[0]).toBe("steps");
  });

  it("finds the row of a table that answers", async () => {
    const answer = await ask("Which environment variable holds the access token?");
    expect(answer.sentences.map((sentence) => sentence.text).join("\n")).toContain("KESTREL_TOKEN");
  });

  it("says it does not know every question the docs do not answer, saying what is missing", async () => {
    const unanswerable = readReferenceQuestions().filter((question) => question.answer === null);
    expect(unanswerable.length).toBeGreaterThan(0);
    for (const { question } of unanswerable) {
      const answer = await ask(question);
      expect(answer.status, question).toBe("abstained");
      expect(answer.abstention?.reason).toBe("unsupported_by_sources");
    }
    const answer = await ask("What is the default value of keep_monthly?");
    expect(answer.abstention?.detail).toMatch(/do not mention keep_monthly/);
  });
});
