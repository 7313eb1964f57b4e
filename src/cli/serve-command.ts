// `verity serve`: the HTTP API (native /api/v1, OpenAI-compatible /v1, MCP) over the data dir, until
// SIGTERM or SIGINT, which drain in-flight requests and exit 0. Settings come from the flags, else the
// config file's `server` section, else VERITY_HOST / VERITY_PORT, else the defaults.
import type { Command } from "commander";
import { VerityError } from "../core/errors.js";
import type { CliIo } from "./cli-io.js";
import { commandOptionSources, type GlobalOptions } from "./global-options.js";
import { stopSignal } from "./stop-signal.js";

interface ServeCommandContext {
  io: CliIo;
}

interface ServeOptions {
  host?: string;
  port?: string;
  dataDir?: string;
  config?: string;
  auth: boolean;
  worker: boolean;
}

function port(value: string | undefined, from: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${from} "${value}" is not a port; use a whole number from 0 to 65535`,
    );
  }
  return number;
}

export function addServeCommand(program: Command, context: ServeCommandContext): void {
  program
    .command("serve")
    .description(
      "serve the HTTP API (native /api/v1, OpenAI-compatible /v1, MCP) until SIGTERM or Ctrl-C, which drain requests and exit 0",
    )
    .option("--host <host>", "interface to listen on (env VERITY_HOST; default 127.0.0.1)")
    .option("--port <port>", "TCP port, 0 for any free one (env VERITY_PORT; default 8080)")
    .option(
      "--data-dir <dir>",
      "where the database and uploads live (env VERITY_DATA_DIR; default ./.verity)",
    )
    .option(
      "--config <file>",
      "JSON config file: models, embedder, transcriber, server settings (env VERITY_CONFIG)",
    )
    .option("--no-auth", "serve without API keys, on any interface (anyone who can reach it can do anything)")
    .option(
      "--no-worker",
      "on a Postgres database, only queue upload and reindex jobs for `verity worker`s instead of running them here too",
    )
    .action(async (options: ServeOptions) => {
      const { io } = context;
      const global = program.opts<GlobalOptions>();
      const [{ resolveVerityOptions }, { parseServerSettings }, { startServer }] = await Promise.all([
        import("../resolve-options.js"),
        import("../server/settings/server-settings.js"),
        import("../server/start-server.js"),
      ]);
      const resolved = await resolveVerityOptions(commandOptionSources(global, options, io));
      const fromFile = parseServerSettings(resolved.configFile?.server, resolved.configFile?.path);
      const settings = {
        ...fromFile,
        host:
          options.host ||
          (resolved.configFile?.server?.host === undefined && io.env.VERITY_HOST) ||
          fromFile.host,
        port:
          port(options.port, "--port") ??
          (resolved.configFile?.server?.port === undefined
            ? port(io.env.VERITY_PORT, "VERITY_PORT")
            : undefined) ??
          fromFile.port,
      };
      const { signal: stop } = stopSignal(io);
      const server = await startServer({
        options: resolved,
        settings,
        noAuth: !options.auth,
        worker: options.worker,
      });
      io.stderr.write(`verity: serving on ${server.url}\n`);
      if (!stop.aborted)
        await new Promise((stopped) => stop.addEventListener("abort", stopped, { once: true }));
      await server.close();
    });
}
