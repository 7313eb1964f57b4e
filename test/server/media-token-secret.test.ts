// The media-link secret in the data dir: made once, kept whole, and the same for every server that
// starts over one data dir at the same moment (replicas on one database), in processes of their own.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mediaTokenSecret, mediaTokenSecretFile } from "../../src/server/auth/media-token-secret.js";
import { runTsProcess } from "../support/cli-process.js";

const moduleUrl = new URL("../../src/server/auth/media-token-secret.ts", import.meta.url);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-secret-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The secret as a process of its own reads or makes it, all of them starting at `startAt`. */
async function secretInProcess(dataDir: string, startAt: number): Promise<string> {
  const code = `
    const { mediaTokenSecret } = await import(${JSON.stringify(fileURLToPath(moduleUrl))});
    while (Date.now() < ${startAt}) {}
    process.stdout.write((await mediaTokenSecret(${JSON.stringify(dataDir)})).toString("hex"));
  `;
  const run = await runTsProcess(["--input-type=module", "-e", code]);
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return run.stdout;
}

describe("the media-link secret", () => {
  it("is made once, owner-only, and read back the same", async () => {
    const made = await mediaTokenSecret(dir);
    expect(made).toHaveLength(32);
    expect(statSync(join(dir, mediaTokenSecretFile)).mode & 0o777).toBe(0o600);
    expect(await mediaTokenSecret(dir)).toEqual(made);
    expect(readdirSync(dir)).toEqual([mediaTokenSecretFile]);
  });

  it("is the same for every process that starts at once over one data dir", { timeout: 60_000 }, async () => {
    for (let round = 0; round < 4; round++) {
      const dataDir = join(dir, `round-${round}`);
      mkdirSync(dataDir);
      const startAt = Date.now() + 1500;
      const secrets = await Promise.all(Array.from({ length: 6 }, () => secretInProcess(dataDir, startAt)));
      expect(new Set(secrets).size, `round ${round}: ${secrets.join(" ")}`).toBe(1);
      expect(secrets[0]).toBe(readFileSync(join(dataDir, mediaTokenSecretFile)).toString("hex"));
      // No temporary file is left behind.
      expect(readdirSync(dataDir)).toEqual([mediaTokenSecretFile]);
    }
  });

  it("replaces a file too short to be a secret (cut off by a crash)", async () => {
    writeFileSync(join(dir, mediaTokenSecretFile), "");
    const made = await mediaTokenSecret(dir);
    expect(made).toHaveLength(32);
    expect(readFileSync(join(dir, mediaTokenSecretFile))).toEqual(made);
  });

  it("names the file and the fix when it cannot be read or written, or is far too large", async () => {
    mkdirSync(join(dir, mediaTokenSecretFile));
    await expect(mediaTokenSecret(dir)).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(/media-token\.key could not be read \(EISDIR\).*deleting it/u),
    });
    rmSync(join(dir, mediaTokenSecretFile), { recursive: true });
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o500);
      await expect(mediaTokenSecret(dir)).rejects.toMatchObject({
        code: "E_CONFIG",
        message: expect.stringContaining("could not be written (EACCES)"),
      });
      chmodSync(dir, 0o700);
    }
    // A large file in its place (not one this server made) is refused unread, and left as it was.
    const large = Buffer.alloc(64 * 1024 * 1024, 7);
    writeFileSync(join(dir, mediaTokenSecretFile), large);
    await expect(mediaTokenSecret(dir)).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining(`could not be read (${large.length} bytes, where a secret is 32`),
    });
    expect(statSync(join(dir, mediaTokenSecretFile)).size).toBe(large.length);
    await expect(mediaTokenSecret(join(dir, "missing"))).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("could not be written (ENOENT)"),
    });
  });
});
