import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkClaims, claimScores, readClaims, scoreCurve } from "./claims.js";

const dir = mkdtempSync(join(tmpdir(), "verity-claims-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(lines: unknown[]): string {
  const path = join(dir, `claims-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(
    path,
    lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n"),
  );
  return path;
}

const evidence = "The Harbour Lighthouse was built in 1871 by the port authority and is 34 metres tall.";
const cases = [
  { id: "a", doc: evidence, claim: "The Harbour Lighthouse was built in 1871.", label: 1 },
  { id: "b", doc: evidence, claim: "The Harbour Lighthouse is 34 metres tall.", label: 1 },
  { id: "c", doc: evidence, claim: "The Harbour Lighthouse was built in 1903.", label: 0 },
  { id: "d", doc: evidence, claim: "The lighthouse keeper lives in Oslo.", label: 0 },
];

describe("eval:claims", () => {
  it("scores kept, caught and balanced accuracy on a small file", () => {
    const scores = claimScores(checkClaims(readClaims(fixture(cases))));
    expect(scores).toMatchObject({ claims: 4, supported: 2, keptOfSupported: 1, caughtOfUnsupported: 1 });
    expect(scores.balancedAccuracy).toBe(1);
  });

  it("keeps everything not contradicted at threshold 0 and less as the threshold rises", () => {
    const outcomes = checkClaims(readClaims(fixture(cases)));
    const [loose, strict] = scoreCurve(outcomes, [0, 1.01]);
    expect(loose?.keptOfSupported).toBe(1);
    expect(strict?.keptOfSupported).toBe(0);
  });

  it("names a malformed line and refuses a file with one class only", () => {
    expect(() => readClaims(fixture([cases[0], { doc: "x", claim: "y" }]))).toThrow(/line 2: label/u);
    expect(() => readClaims(fixture([cases[0], "{"]))).toThrow(/line 2 is not JSON/u);
    expect(() => readClaims(fixture([cases[0], cases[1]]))).toThrow(/only supported claims/u);
  });
});
