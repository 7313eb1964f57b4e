import { describe, expect, it } from "vitest";
import { restoredText, storedText } from "./stored-text.js";

describe("text as Postgres stores it", () => {
  it("gives back every string as it was, NUL and the escape character included", () => {
    const samples = [
      "plain",
      "a\u0000b",
      "\u0000",
      "\u{10FFFF}",
      "\u{10FFFF}0",
      "x\u{10FFFF}\u0000\u{10FFFF}\u{10FFFF}0",
      "",
    ];
    for (const sample of samples) {
      expect(storedText(sample)).not.toContain("\u0000");
      expect(restoredText(storedText(sample))).toBe(sample);
    }
  });

  it("keeps different strings different and text without NUL unchanged", () => {
    expect(storedText("a\u0000")).not.toBe(storedText("a\u{10FFFF}0"));
    expect(storedText("café ✓")).toBe("café ✓");
  });
});
