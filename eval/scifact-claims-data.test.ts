import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readScifactClaims, readScifactCorpus, verifierCases } from "./scifact-claims-data.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-scifact-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, lines: readonly unknown[] | string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    typeof lines === "string" ? lines : lines.map((line) => JSON.stringify(line)).join("\n"),
  );
  return path;
}

const corpusLines = [
  { doc_id: 1, title: "Aspirin and headaches", abstract: ["Aspirin relieves headaches.", "It is cheap."] },
  { doc_id: 2, title: "Coffee", abstract: ["Coffee does not cure colds."] },
];
const claim = (id: number, evidence: object, cited: number[]) => ({
  id,
  claim: `claim ${id}`,
  evidence,
  cited_doc_ids: cited,
});

function expectError(action: () => unknown, code: string, ...fragments: string[]) {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ code });
  for (const fragment of fragments) expect((thrown as Error).message).toContain(fragment);
}

describe("readScifactCorpus", () => {
  it("joins each title and abstract into one source text, the title a sentence of its own", () => {
    const corpus = readScifactCorpus(file("corpus.jsonl", corpusLines));
    expect(corpus.get("1")).toBe("Aspirin and headaches\n\nAspirin relieves headaches. It is cheap.");
    expect(corpus.size).toBe(2);
  });

  it("names a missing file, an empty file and a line that is not JSON", () => {
    expectError(() => readScifactCorpus(join(dir, "absent.jsonl")), "E_NOT_FOUND", "absent.jsonl");
    expectError(() => readScifactCorpus(file("empty.jsonl", "\n\n")), "E_EMPTY", "empty.jsonl");
    expectError(
      () => readScifactCorpus(file("broken.jsonl", `${JSON.stringify(corpusLines[0])}\n{"doc_id": 2,`)),
      "E_INVALID_INPUT",
      "broken.jsonl:2",
      "not JSON",
    );
  });

  it("recognises a BEIR corpus passed by mistake and says which file to pass", () => {
    expectError(
      () => readScifactCorpus(file("beir.jsonl", [{ _id: "1", title: "t", text: "x" }])),
      "E_INVALID_INPUT",
      "beir.jsonl:1",
      "BEIR corpus",
    );
  });
});

describe("readScifactClaims and verifierCases", () => {
  const corpus = () => readScifactCorpus(file("corpus.jsonl", corpusLines));

  it("maps SUPPORT, CONTRADICT and no evidence to supported, contradicted and unsupported", () => {
    const claims = readScifactClaims(
      file("claims.jsonl", [
        claim(1, { "1": [{ sentences: [0], label: "SUPPORT" }] }, [1]),
        claim(2, { "2": [{ sentences: [0], label: "CONTRADICT" }] }, [2]),
        claim(3, {}, [1, 2]),
      ]),
    );
    const { cases } = verifierCases(claims, corpus());
    expect(cases.map((each) => [each.id, each.gold, each.documents])).toEqual([
      ["1", "supported", ["1"]],
      ["2", "contradicted", ["2"]],
      ["3", "unsupported", ["1", "2"]],
    ]);
    expect(cases[2]?.sources).toHaveLength(2);
  });

  it("skips and counts a claim with evidence both ways, and one citing a document not in the corpus", () => {
    const claims = readScifactClaims(
      file("claims.jsonl", [
        claim(
          4,
          { "1": [{ sentences: [0], label: "SUPPORT" }], "2": [{ sentences: [0], label: "CONTRADICT" }] },
          [1, 2],
        ),
        claim(5, {}, [1, 99]),
        claim(6, {}, [1]),
      ]),
    );
    const result = verifierCases(claims, corpus());
    expect(result.mixedLabels).toEqual(["4"]);
    expect(result.missingDocuments).toEqual([{ claim: "5", documents: ["99"] }]);
    expect(result.cases.map((each) => each.id)).toEqual(["6"]);
  });

  it("explains that an unlabelled claims file (SciFact's test split) cannot be scored", () => {
    expectError(
      () => readScifactClaims(file("claims_test.jsonl", [{ id: 1, claim: "x" }])),
      "E_INVALID_INPUT",
      "claims_test.jsonl:1",
      "unlabelled",
    );
  });

  it("names the line and field of a malformed claim, and a repeated id", () => {
    expectError(
      () =>
        readScifactClaims(
          file("claims.jsonl", [
            claim(1, {}, [1]),
            { ...claim(2, {}, [1]), evidence: { "1": [{ sentences: [0], label: "MAYBE" }] } },
          ]),
        ),
      "E_INVALID_INPUT",
      "claims.jsonl:2",
      "evidence.1.0.label",
    );
    expectError(
      () => readScifactClaims(file("claims.jsonl", [claim(1, {}, [1]), claim(1, {}, [2])])),
      "E_INVALID_INPUT",
      "claims.jsonl:2",
      "appears twice",
    );
  });
});
