import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomSubjectSplit, readRoutingData, routingSubjects, subjectSplit } from "./routellm-data.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-routellm-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const header = "prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview\n";

function folder(files: Record<string, string>, name = "data"): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}

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

describe("readRoutingData", () => {
  it("reads every subject, names the models from the header and keeps multi-line prompts whole", () => {
    const path = folder({
      "mmlu_b.csv": `${header}"Two\nlines, one comma",True,False\n`,
      "mmlu_a.csv": `${header}plain,false,TRUE\n`,
    });
    expect(routingSubjects(path)).toEqual(["a", "b"]);
    const data = readRoutingData(path);
    expect(data.weakModel).toBe("mistralai/Mixtral-8x7B-Instruct-v0.1");
    expect(data.strongModel).toBe("gpt-4-1106-preview");
    expect(data.examples).toEqual([
      { prompt: "plain", weakCorrect: false, strongCorrect: true, subject: "a" },
      { prompt: "Two\nlines, one comma", weakCorrect: true, strongCorrect: false, subject: "b" },
    ]);
    expect(readRoutingData(path, ["b"]).examples).toHaveLength(1);
  });

  it("takes any two model columns, weak second and strong third", () => {
    const path = folder({ "set.csv": "prompt,small-model,large-model\nq,1,0\n" });
    const data = readRoutingData(path);
    expect([data.weakModel, data.strongModel, data.subjects]).toEqual([
      "small-model",
      "large-model",
      ["set"],
    ]);
  });

  it("names a missing folder and a folder without CSV files", () => {
    expectError(() => readRoutingData(join(dir, "absent")), "E_NOT_FOUND", "absent", "RouteLLM-format");
    const empty = folder({ "notes.txt": "nothing here" });
    expectError(() => readRoutingData(empty), "E_INVALID_INPUT", "holds no .csv files");
  });

  it("names the file and the expected header when the header is wrong", () => {
    const path = folder({ "mmlu_x.csv": "question,answer\nq,a\n" });
    expectError(
      () => readRoutingData(path),
      "E_INVALID_INPUT",
      "mmlu_x.csv",
      '"question,answer"',
      "prompt,<weak model>",
    );
  });

  it("names the line of a value that is not True or False, and of a row with missing fields", () => {
    expectError(
      () => readRoutingData(folder({ "s_1.csv": `${header}"a\nb",True,True\nc,maybe,True\n` })),
      "E_INVALID_INPUT",
      "line 4",
      '"maybe"',
      "Mixtral",
    );
    expectError(
      () => readRoutingData(folder({ "s_2.csv": `${header}one,True\n` }, "other")),
      "E_INVALID_INPUT",
      "line 2",
      "2 fields",
    );
  });

  it("refuses a folder mixing two model pairs", () => {
    const path = folder({ "x_a.csv": `${header}q,True,True\n`, "x_b.csv": "prompt,m1,m2\nq,True,True\n" });
    expectError(() => readRoutingData(path), "E_INVALID_INPUT", "one model pair");
  });

  it("lists the subjects there are when asked for one that is not", () => {
    const path = folder({ "mmlu_a.csv": `${header}q,True,True\n` });
    expectError(() => readRoutingData(path, ["z"]), "E_INVALID_INPUT", '"z"', "its subjects are: a");
  });
});

describe("subjectSplit", () => {
  it("holds out every third subject in name order, whatever order they come in", () => {
    const subjects = ["g", "c", "a", "f", "b", "e", "d"];
    expect(subjectSplit(subjects)).toEqual({ train: ["a", "b", "d", "e", "g"], test: ["c", "f"] });
    expect(subjectSplit([...subjects].reverse())).toEqual(subjectSplit(subjects));
  });
});

describe("randomSubjectSplit", () => {
  const subjects = ["g", "c", "a", "f", "b", "e", "d"];

  it("holds out the number asked, the same for a seed whatever order the subjects come in", () => {
    const split = randomSubjectSplit(subjects, 3, 7);
    expect(split.test).toHaveLength(3);
    expect([...split.train, ...split.test].sort()).toEqual([...subjects].sort());
    expect(split.train.filter((subject) => split.test.includes(subject))).toEqual([]);
    expect(randomSubjectSplit([...subjects].reverse(), 3, 7)).toEqual(split);
  });

  it("holds out other subjects with other seeds", () => {
    const tests = [1, 2, 3, 4, 5].map((seed) => randomSubjectSplit(subjects, 3, seed).test.join(","));
    expect(new Set(tests).size).toBeGreaterThan(1);
  });

  it("refuses to hold out none, or so many that nothing is left to train on", () => {
    expectError(() => randomSubjectSplit(subjects, 0, 1), "E_INVALID_INPUT", "cannot hold out 0 of 7");
    expectError(() => randomSubjectSplit(subjects, 7, 1), "E_INVALID_INPUT", "one left for training");
  });
});
