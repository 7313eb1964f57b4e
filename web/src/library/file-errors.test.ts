import { describe, expect, it } from "vitest";
import { fileErrorText, formatSize } from "./file-errors";

describe("per-file upload errors", () => {
  it("say what happened in a person's words, with the server's detail", () => {
    expect(
      fileErrorText({
        code: "E_UNSUPPORTED_TYPE",
        message: "/srv/verity/uploads/help/ff5d85/bad.xyz has the unsupported extension .xyz",
      }),
    ).toBe(
      "Verity cannot read this kind of file. It reads PDF, Word (.docx), HTML, Markdown, plain text, JSON Lines and audio or video recordings. (bad.xyz has the unsupported extension .xyz)",
    );
    expect(fileErrorText({ code: "E_EMPTY", message: "" })).toMatch(/^The file has no text/u);
  });

  it("fall back to the server's message for a code they do not know", () => {
    expect(fileErrorText({ code: "E_SOMETHING_NEW", message: "it broke" })).toBe("it broke");
  });

  it("sizes read as people write them", () => {
    expect(formatSize(12)).toBe("12 B");
    expect(formatSize(1536)).toBe("1.5 KB");
    expect(formatSize(25 * 1024 * 1024)).toBe("25 MB");
  });
});
