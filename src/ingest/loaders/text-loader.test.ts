import { describe, expect, it } from "vitest";
import { describeBlocks, expectLoadError, expectWellFormed, load, loadOne } from "./loader-test-support.js";
import { textLoader } from "./text-loader.js";

describe("textLoader", () => {
  it("makes one block per paragraph and keeps the file's text as it is", async () => {
    const content = "  First paragraph\nstill first.\n\n \t\nSecond paragraph.\n\n\nThird.  \n";
    const document = await loadOne(textLoader, "notes/meeting.txt", content);
    expect(document.text).toBe(content);
    expect(describeBlocks(document)).toEqual([
      "First paragraph\nstill first.",
      "Second paragraph.",
      "Third.",
    ]);
    expectWellFormed(document);
  });

  it("titles the document with the file name without its extension", async () => {
    const document = await loadOne(textLoader, "notes/meeting-2024.txt", "Hello.");
    expect(document.title).toBe("meeting-2024");
  });

  it("normalises Windows line ends before finding paragraphs", async () => {
    const document = await loadOne(textLoader, "a.txt", "One.\r\n\r\nTwo.\r\n");
    expect(document.text).toBe("One.\n\nTwo.\n");
    expect(describeBlocks(document)).toEqual(["One.", "Two."]);
  });

  it("rejects binary data under a .txt extension", async () => {
    await expectLoadError(
      load(textLoader, "photo.txt", new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x10])),
      "E_BINARY_CONTENT",
      "photo.txt",
    );
  });

  it("rejects an empty file", async () => {
    await expectLoadError(load(textLoader, "empty.txt", ""), "E_EMPTY", "empty.txt");
  });

  it("rejects a whitespace-only file", async () => {
    await expectLoadError(load(textLoader, "blank.txt", "\n \n\t\n"), "E_EMPTY", "blank.txt");
  });

  it("rejects Latin-1 text with E_ENCODING", async () => {
    await expectLoadError(
      load(textLoader, "latin.txt", new Uint8Array([0x4e, 0x69, 0xf1, 0x6f])),
      "E_ENCODING",
      "latin.txt",
    );
  });
});
