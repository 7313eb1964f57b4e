#!/usr/bin/env node
// The `verity` command. Runs the compiled CLI (`npm ci` builds it through `prepare`); in a checkout
// where it was never built (scripts skipped), runs the TypeScript source through tsx instead.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli/main.js", import.meta.url);
const source = new URL("../src/cli/main.ts", import.meta.url);

if (existsSync(compiled)) {
  await import(compiled.href);
} else if (existsSync(source) && (await canRunTypeScript())) {
  await import(source.href);
} else {
  process.stderr.write(
    "verity: the CLI is not built; run `npm run build` in the package folder (or reinstall without --ignore-scripts)\n",
  );
  process.exitCode = 1;
}

/** Registers tsx's loader for this process, if tsx is installed (a development checkout). */
async function canRunTypeScript() {
  try {
    const { register } = await import("tsx/esm/api");
    register();
    return true;
  } catch {
    return false;
  }
}
