import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkSystemTools, postgresBinary, systemToolTags } from "./system-tools.js";
import { missingToolsLine } from "./system-tools-reporter.js";

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "verity-system-tools-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

/** An executable (or, with `mode` 0o644, a plain) file named `name` in the temp folder. */
function program(name: string, mode = 0o755): string {
  const path = join(folder, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, mode);
  return path;
}

describe("checkSystemTools", () => {
  it("takes ffmpeg and ffprobe from VERITY_FFMPEG and VERITY_FFPROBE, as Verity does", () => {
    vi.stubEnv("VERITY_FFMPEG", program("my-ffmpeg"));
    vi.stubEnv("VERITY_FFPROBE", program("my-ffprobe"));
    expect(checkSystemTools().missing).not.toContain("ffmpeg");
    vi.stubEnv("VERITY_FFPROBE", "/nonexistent/ffprobe");
    expect(checkSystemTools().missing).toContain("ffmpeg");
  });

  it("counts pocketsphinx missing when VERITY_POCKETSPHINX names no program", () => {
    vi.stubEnv("VERITY_POCKETSPHINX", "/nonexistent/pocketsphinx_continuous");
    expect(checkSystemTools().missing).toContain("pocketsphinx");
  });

  it("finds a bare name on the PATH only as an executable file", () => {
    const bin = join(folder, "bin");
    vi.stubEnv("PATH", folder);
    program("espeak-ng", 0o644);
    expect(checkSystemTools().missing).toContain("espeak-ng");
    program("espeak-ng");
    expect(checkSystemTools().missing).not.toContain("espeak-ng");
    vi.stubEnv("PATH", bin);
    expect(checkSystemTools().missing).toContain("espeak-ng");
  });

  it("takes the browser from VERITY_CHROMIUM, else chromium on the PATH", () => {
    vi.stubEnv("VERITY_CHROMIUM", program("my-chromium"));
    expect(checkSystemTools().missing).not.toContain("chromium");
    vi.stubEnv("VERITY_CHROMIUM", "/nonexistent/chromium");
    expect(checkSystemTools().missing).toContain("chromium");
    vi.stubEnv("VERITY_CHROMIUM", "");
    vi.stubEnv("PATH", folder);
    expect(checkSystemTools().missing).toContain("chromium");
    program("chromium");
    expect(checkSystemTools().missing).not.toContain("chromium");
  });

  it("takes PostgreSQL's programs from the folder VERITY_POSTGRES_BIN", () => {
    const bin = join(folder, "postgres-bin");
    mkdirSync(bin, { recursive: true });
    vi.stubEnv("VERITY_POSTGRES_BIN", bin);
    expect(checkSystemTools().missing).toContain("postgresql");
    for (const name of ["initdb", "pg_ctl", "postgres"]) program(join("postgres-bin", name));
    expect(checkSystemTools().missing).not.toContain("postgresql");
    expect(postgresBinary("pg_ctl")).toBe(join(bin, "pg_ctl"));
  });

  it("requires every tool when CI is set, unless VERITY_REQUIRE_SYSTEM_TOOLS says otherwise", () => {
    vi.stubEnv("VERITY_REQUIRE_SYSTEM_TOOLS", "");
    vi.stubEnv("CI", "");
    expect(checkSystemTools().requiredBecause).toBeUndefined();
    vi.stubEnv("CI", "true");
    expect(checkSystemTools().requiredBecause).toBe("CI=true");
    vi.stubEnv("VERITY_REQUIRE_SYSTEM_TOOLS", "0");
    expect(checkSystemTools().requiredBecause).toBeUndefined();
    vi.stubEnv("CI", "");
    vi.stubEnv("VERITY_REQUIRE_SYSTEM_TOOLS", "1");
    expect(checkSystemTools().requiredBecause).toBe("VERITY_REQUIRE_SYSTEM_TOOLS=1");
  });
});

describe("systemToolTags", () => {
  it("skips the tests of a missing tool, and of no other", () => {
    const tags = systemToolTags({ missing: ["pocketsphinx"], requiredBecause: undefined });
    expect(tags.map((tag) => [tag.name, tag.skip ?? false])).toEqual([
      ["ffmpeg", false],
      ["pocketsphinx", true],
      ["espeak-ng", false],
      ["chromium", false],
      ["postgresql", false],
    ]);
  });

  it("skips nothing when tools are required, so the tests that need them fail", () => {
    const tags = systemToolTags({ missing: ["ffmpeg", "espeak-ng"], requiredBecause: "CI=true" });
    expect(tags.some((tag) => tag.skip)).toBe(false);
  });
});

describe("missingToolsLine", () => {
  it("names the missing tools, the skipped tests and the packages to install", () => {
    expect(missingToolsLine(["ffmpeg", "pocketsphinx", "espeak-ng"], 29, undefined)).toBe(
      "Skipped 29 tests: ffmpeg, pocketsphinx and espeak-ng are not installed. " +
        "To run them: apt-get install ffmpeg pocketsphinx pocketsphinx-en-us espeak-ng",
    );
  });

  it("names Debian's chromium package for the browser tests", () => {
    expect(missingToolsLine(["chromium"], 9, undefined)).toBe(
      "Skipped 9 tests: chromium is not installed. To run them: apt-get install chromium",
    );
  });

  it("names Debian's postgresql-15 package for the Postgres store's tests", () => {
    expect(missingToolsLine(["postgresql"], 90, "CI=true")).toBe(
      "Failed: postgresql is not installed (required by CI=true) and 90 tests need it. Install: apt-get install postgresql-15",
    );
  });

  it("says why the run fails when tools are required", () => {
    expect(missingToolsLine(["ffmpeg"], 1, "CI=true")).toBe(
      "Failed: ffmpeg is not installed (required by CI=true) and 1 test needs it. Install: apt-get install ffmpeg",
    );
  });
});
