import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "./demo.js";

describe("demo", () => {
  const dir = mkdtempSync(join(tmpdir(), "verity-demo-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers the three answerable questions from the right document and abstains on the fourth", async () => {
    const results = await runDemo(dir);
    expect(results).toHaveLength(4);
    for (const result of results) {
      expect(
        result.asExpected,
        `${result.question.question} → ${JSON.stringify(result.answer.sentences)}`,
      ).toBe(true);
    }
    const abstained = results.find((result) => !result.question.answerable);
    expect(abstained?.answer.abstention?.reason).toBe("unsupported_by_sources");
    expect(abstained?.answer.abstention?.closestSources.length).toBeGreaterThan(0);
  });
});
