#!/usr/bin/env node
// Runs the compiled CLI; build it first with `npm run build`.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "verity: the CLI is not built yet; run `npm run build` (or use `npm run verity -- <args>`)\n",
  );
  process.exit(1);
}
await import(entry.href);
