// Compiles native/verity_fts5.c, Verity's FTS5 ranking function, into build/native/ against the
// SQLite headers better-sqlite3 ships (the same SQLite it embeds). `npm ci` runs this (postinstall).
// Without a C compiler Verity still works: it ranks with FTS5's built-in bm25(), which is slower on
// large indexes; `verity stats` says which one is in use. Plain JavaScript: it runs before tsx exists.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = join(root, "native", "verity_fts5.c");
const extension = { darwin: "dylib", win32: "dll" }[process.platform] ?? "so";
const output = join(root, "build", "native", `verity_fts5.${extension}`);

function headers() {
  const require = createRequire(import.meta.url);
  const folder = join(dirname(require.resolve("better-sqlite3/package.json")), "deps", "sqlite3");
  return existsSync(join(folder, "sqlite3ext.h")) ? folder : undefined;
}

const include = headers();
const compiler = process.env.CC ?? "cc";
if (!include) {
  console.warn("verity: better-sqlite3's SQLite headers not found; ranking falls back to FTS5's bm25().");
} else if (process.platform === "win32") {
  console.warn("verity: the native ranking function is not built on Windows; ranking uses FTS5's bm25().");
} else {
  mkdirSync(dirname(output), { recursive: true });
  const shared =
    process.platform === "darwin" ? ["-dynamiclib", "-undefined", "dynamic_lookup"] : ["-shared"];
  try {
    execFileSync(compiler, ["-O2", "-fPIC", ...shared, "-I", include, source, "-o", output, "-lm"], {
      stdio: "inherit",
    });
  } catch (error) {
    console.warn(
      `verity: could not compile ${source} with ${compiler} (${error.message}); ranking falls back to FTS5's bm25(), slower on large indexes. Install a C compiler (apt-get install gcc) then npm run build:native (or npm rebuild verity where Verity is a dependency).`,
    );
  }
}
