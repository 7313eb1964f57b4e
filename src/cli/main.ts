#!/usr/bin/env node
// Entry point of the `verity` command.
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(process.argv.slice(2));
