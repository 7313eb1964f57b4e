// The secret media links are signed with, kept in the data folder (readable by its owner only) so
// links survive a restart and every server over the same data folder accepts the others' links.
// Deleting the file invalidates every link at the next start.
//
// Several servers may start at once over one data folder (replicas on one database). The file is
// written whole under a temporary name and then linked to its own: a link fails when the name exists,
// so one server's secret wins and the others read it, never a file half written.
import { randomBytes } from "node:crypto";
import { link, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { VerityError } from "../../core/errors.js";

export const mediaTokenSecretFile = "media-token.key";

const secretBytes = 32;
/** Larger than this, the file is not a secret (a wrong file in its place), and is not read. */
const largestSecretBytes = 4096;

/** The data folder's media-link secret, made (32 random bytes) at first use. */
export async function mediaTokenSecret(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, mediaTokenSecretFile);
  const existing = await readSecret(path);
  if (existing && existing.length >= secretBytes) return existing;
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, randomBytes(secretBytes), { flag: "wx", mode: 0o600 });
    if (existing) {
      // Too short to be a secret (cut off by a crash): replaced whole, then read back as it now is.
      await rename(temporary, path);
    } else {
      await link(temporary, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
    }
  } catch (error) {
    throw unusable(path, "written", error);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  const secret = await readSecret(path);
  if (!secret || secret.length < secretBytes) {
    throw unusable(path, "kept", new Error("it was removed or cut short while this server made it"));
  }
  return secret;
}

/** The secret, or undefined when there is none yet; a file far larger than a secret is refused unread. */
async function readSecret(path: string): Promise<Buffer | undefined> {
  try {
    const { size } = await stat(path);
    if (size > largestSecretBytes) {
      throw new Error(`${size} bytes, where a secret is ${secretBytes}: not a file this server made`);
    }
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw unusable(path, "read", error);
  }
}

function unusable(path: string, what: string, error: unknown): VerityError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new VerityError(
    "E_CONFIG",
    `the media-link secret ${path} could not be ${what} (${reason}): the data dir must be a folder this user can write, and ${mediaTokenSecretFile} a file in it (deleting it makes a new secret; links issued before stop working)`,
    { option: "dataDir", cause: error },
  );
}
