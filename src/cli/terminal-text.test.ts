import { describe, expect, it } from "vitest";
import { terminalLine, terminalName, terminalText } from "./terminal-text.js";

describe("terminalText", () => {
  it("shows ESC sequences escaped, so the screen is never cleared or retitled", () => {
    expect(terminalText("a\u001b[2Jb\u001b]0;pwned\u0007c")).toBe("a\\x1b[2Jb\\x1b]0;pwned\\x07c");
  });

  it("escapes carriage returns, backspace, DEL and C1 controls", () => {
    expect(terminalText("paid\rdue\b\u007f\u009b31m\u0085")).toBe("paid\\rdue\\x08\\x7f\\x9b31m\\x85");
  });

  it("escapes bidi embeddings, overrides and isolates", () => {
    const bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069";
    expect(terminalText(`invoice${bidi}fdp.exe`)).toBe(
      "invoice\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069fdp.exe",
    );
  });

  it("keeps line feeds, tabs and ordinary Unicode", () => {
    const text = "Refunds:\n\t– 150 € a night — naïve café 東京";
    expect(terminalText(text)).toBe(text);
  });
});

describe("terminalLine", () => {
  it("also escapes line feeds, tabs and Unicode line separators, so the text stays on one line", () => {
    expect(terminalLine("one\ntwo\tthree\u2028four")).toBe("one\\ntwo\\tthree\\u2028four");
  });
});

describe("terminalName", () => {
  it("leaves an ordinary name bare", () => {
    expect(terminalName("docs/refund-policy.md")).toBe("docs/refund-policy.md");
  });

  it("quotes a name with spaces", () => {
    expect(terminalName("docs/travel policy.md")).toBe('"docs/travel policy.md"');
  });

  it("quotes and escapes a name with a newline or an ESC", () => {
    expect(terminalName("docs/a\nb\u001b[2J.md")).toBe('"docs/a\\nb\\x1b[2J.md"');
  });

  it("escapes quotes and backslashes inside the quotes, so every name reads back one way", () => {
    expect(terminalName('say "hi"\\x1b.md')).toBe('"say \\"hi\\"\\\\x1b.md"');
  });
});
