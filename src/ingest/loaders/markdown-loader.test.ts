import { describe, expect, it } from "vitest";
import { describeBlocks, expectLoadError, expectWellFormed, load, loadOne } from "./loader-test-support.js";
import { markdownLoader } from "./markdown-loader.js";

const guide = `# Install guide

Verity needs **Node 20** and [a terminal](https://example.com/terminal).

## Steps

1. Download it
2. Run \`npm install\`

- [x] checked
- plain *emphasis*
  - nested item

### Table

| Flag | Meaning |
|------|---------|
| -v   | verbose |

\`\`\`sh
  npm run build
  npm test
\`\`\`

> Quoted advice.
`;

describe("markdownLoader", () => {
  it("turns headings into heading blocks with their levels and the rest into text blocks", async () => {
    const document = await loadOne(markdownLoader, "guide.md", guide);
    expect(describeBlocks(document)).toEqual([
      "# Install guide",
      "Verity needs Node 20 and a terminal.",
      "## Steps",
      "1. Download it",
      "2. Run npm install",
      "- [x] checked",
      "- plain emphasis",
      "- nested item",
      "### Table",
      "Flag | Meaning",
      "-v | verbose",
      "npm run build\n  npm test",
      "Quoted advice.",
    ]);
    expectWellFormed(document);
  });

  it("keeps list items and table rows on consecutive lines and code indentation verbatim", async () => {
    const document = await loadOne(markdownLoader, "guide.md", guide);
    expect(document.text).toContain("1. Download it\n2. Run npm install");
    expect(document.text).toContain("Flag | Meaning\n-v | verbose");
    expect(document.text).toContain("  npm run build\n  npm test");
    expect(document.text).not.toMatch(/[#*`]|\]\(/);
  });

  it("titles the document with its first level-1 heading", async () => {
    const document = await loadOne(markdownLoader, "guide.md", "Intro text.\n\n## Minor\n\n# The Title\n");
    expect(document.title).toBe("The Title");
  });

  it("strips YAML front matter and takes a plain title from it when there is no level-1 heading", async () => {
    const source = '---\ntitle: "Release notes"\ntags: [a, b]\n---\n## Fixes\n\nFewer crashes.\n';
    const document = await loadOne(markdownLoader, "notes.md", source);
    expect(document.title).toBe("Release notes");
    expect(document.text).toBe("Fixes\n\nFewer crashes.");
  });

  it("titles the document with the file name when there is no level-1 heading or front-matter title", async () => {
    const document = await loadOne(markdownLoader, "docs/faq.markdown", "Just a paragraph.");
    expect(document.title).toBe("faq");
  });

  it("resolves HTML entities and drops raw HTML tags and comments", async () => {
    const source =
      "Fish &amp; chips &#8212; <kbd>Ctrl</kbd> &copy;\n\n<!-- hidden -->\n\n<div>Block <b>html</b></div>\n";
    const document = await loadOne(markdownLoader, "a.md", source);
    expect(describeBlocks(document)).toEqual(["Fish & chips — Ctrl ©", "Block html"]);
  });

  it("rejects a file with nothing but markup", async () => {
    await expectLoadError(
      load(markdownLoader, "blank.md", "---\ntitle: x\n---\n\n<!-- todo -->\n\n---\n"),
      "E_EMPTY",
      "blank.md",
    );
  });

  it("rejects an empty file", async () => {
    await expectLoadError(load(markdownLoader, "empty.md", ""), "E_EMPTY", "empty.md");
  });

  it("rejects binary data under a .md extension", async () => {
    await expectLoadError(
      load(markdownLoader, "image.md", new Uint8Array([0x47, 0x49, 0x46, 0x00, 0x01])),
      "E_BINARY_CONTENT",
      "image.md",
    );
  });
});
