// The secret media links are signed with, kept in the data folder (readable by its owner only) so
// links survive a restart and every server over the same data folder accepts the others' links.
// Deleting the file invalidates every link at the next start.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const mediaTokenSecretFile = "media-token.key";

/** The data folder's media-link secret, made (32 random bytes) at first use. */
export async function mediaTokenSecret(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, mediaTokenSecretFile);
  const existing = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing && existing.length >= 32) return existing;
  const secret = randomBytes(32);
  try {
    // `wx`: when two servers start at once, the second reads the first one's secret.
    await writeFile(path, secret, { flag: existing ? "w" : "wx", mode: 0o600 });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFile(path);
    throw error;
  }
}
