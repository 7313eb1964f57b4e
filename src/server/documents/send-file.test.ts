import { describe, expect, it } from "vitest";
import { contentType } from "./send-file.js";

describe("contentType", () => {
  it("names a recording's format by its extension, since recordings are stored as `audio`", () => {
    const expected: Record<string, string> = {
      "talk.mp3": "audio/mpeg",
      "talk.WAV": "audio/wav",
      "talk.flac": "audio/flac",
      "talk.ogg": "audio/ogg",
      "talk.m4a": "audio/mp4",
      "talk.aac": "audio/aac",
      "talk.opus": "audio/opus",
      "talk.mp4": "video/mp4",
      "talk.webm": "video/webm",
      "talk.mkv": "video/x-matroska",
      "talk.mov": "video/quicktime",
    };
    for (const [name, type] of Object.entries(expected))
      expect(contentType(`/data/${name}`, "audio")).toBe(type);
  });

  it("keeps a stored media type that names a format, and falls back to octet-stream", () => {
    expect(contentType("/data/manual.pdf", "application/pdf")).toBe("application/pdf");
    expect(contentType("/data/manual.pdf", "application/octet-stream")).toBe("application/pdf");
    expect(contentType("/data/recording.xyz", "audio")).toBe("application/octet-stream");
  });
});
