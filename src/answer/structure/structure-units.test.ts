import { describe, expect, it } from "vitest";
import { isHowTo, structureUnits } from "./structure-units.js";

function unitsOf(text: string, howTo = false) {
  return structureUnits(text, { underHeading: true, howTo }).map((unit) => ({
    kind: unit.kind,
    text: text.slice(unit.start, unit.end),
  }));
}

describe("structure units", () => {
  it("makes each list item a unit, and the short paragraph under the heading another", () => {
    const text = "The size of each read buffer, in bytes.\n\n- Type: integer\n- Default: 16384";
    expect(unitsOf(text)).toEqual([
      { kind: "list-item", text: "- Type: integer" },
      { kind: "list-item", text: "- Default: 16384" },
      { kind: "first-paragraph", text: "The size of each read buffer, in bytes." },
    ]);
  });

  it("makes a glossary line a definition and a table line a row", () => {
    expect(unitsOf("Chunk: a piece of a file.\n\nVariable | Meaning\nHOME_DIR | Where it lives")).toEqual([
      { kind: "definition", text: "Chunk: a piece of a file." },
      { kind: "table-row", text: "Variable | Meaning" },
      { kind: "table-row", text: "HOME_DIR | Where it lives" },
      { kind: "first-paragraph", text: "Chunk: a piece of a file." },
    ]);
  });

  it("does not take a sentence with a colon in it, or a link, for a definition", () => {
    expect(
      unitsOf("Back up often. The reason is simple: disks fail.\n\nSee https://example.com for more."),
    ).toEqual([{ kind: "first-paragraph", text: "Back up often. The reason is simple: disks fail." }]);
  });

  it("answers a how-to question with the numbered steps as one unit, and a short section whole", () => {
    const text = "1. Create a token.\n2. Set the variable.\n3. Revoke the old token.";
    expect(unitsOf(text, true)).toContainEqual({ kind: "steps", text });
    const section = "Add this line to your crontab:\n\n0 2 * * * backup --quiet /home";
    expect(unitsOf(section, true)).toContainEqual({ kind: "section", text: section });
  });

  it("offers no steps or section to a question that is not a how-to", () => {
    const kinds = unitsOf("1. Create a token.\n2. Set the variable.").map((unit) => unit.kind);
    expect(kinds).toEqual(["list-item", "list-item"]);
  });

  it("answers long prose sentence by sentence, not as one paragraph", () => {
    const prose = "Sync starts at once. Changes are queued offline. Conflicts keep both versions.";
    expect(unitsOf(prose)).toEqual([]);
  });

  it("offers no paragraph unit for a passage that is not under a heading", () => {
    expect(structureUnits("Settings.\n\n- Default: 4", { underHeading: false, howTo: false })).toEqual([
      { kind: "list-item", start: 11, end: 23 },
    ]);
  });
});

describe("how-to questions", () => {
  it.each([
    ["How do I restore a single file?", true],
    ["How to rotate the token", true],
    ["What are the steps to schedule a backup?", true],
    ["How many snapshots are kept?", false],
    ["How does pruning work?", false],
  ])("%s → %s", (question, howTo) => {
    expect(isHowTo(question)).toBe(howTo);
  });
});
