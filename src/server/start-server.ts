// Starting and stopping the server as a process runs it: the engine opened with the server's JSON log,
// what a killed upload left behind deleted, the loopback rule checked (no keys: loopback only, unless
// --no-auth), the app listening, interrupted jobs resumed; and on close, in-flight requests drained,
// running jobs given the rest of the shutdown time, the store closed.
import { mkdirSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { VerityError } from "../core/errors.js";
import { createVerity } from "../engine.js";
import type { ResolvedOptions } from "../resolve-options.js";
import { createServerApp, type ServerApp } from "./app.js";
import type { ServerSettings } from "./settings/server-settings.js";

export interface StartServerOptions {
  options: ResolvedOptions;
  settings: ServerSettings;
  /** Serve without keys, on any interface (logged as a warning). */
  noAuth: boolean;
  /** Where the JSON log goes (a file descriptor); default 1, stdout. */
  logFd?: number;
  /** On a Postgres database, whether this server runs queued jobs itself too (default true). */
  worker?: boolean;
}

export interface RunningServer extends ServerApp {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  /** Stops accepting requests, drains those in flight, waits for running jobs, closes the store. */
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u.test(host);
}

export async function startServer({
  options,
  settings,
  noAuth,
  logFd = 1,
  worker = true,
}: StartServerOptions): Promise<RunningServer> {
  const pino = createRequire(import.meta.url)("pino") as typeof import("pino").default;
  const logger = pino(
    {
      level: settings.logLevel,
      // Nothing logs headers, bodies or URLs; these are a second line of defence for keys and for
      // media links' tokens (in a URL's query string).
      redact: {
        paths: [
          "authorization",
          "*.authorization",
          "*.headers.authorization",
          "secret",
          "*.secret",
          "token",
          "*.token",
        ],
        censor: "[redacted]",
      },
      serializers: {
        req: (request: { method?: string; url?: string }) => ({
          method: request.method,
          url: request.url?.split("?")[0],
        }),
      },
    },
    pino.destination({ dest: logFd, sync: true }),
  );
  const verity = createVerity({ ...options, logger: logger.child({ component: "engine" }) });
  let served: ServerApp | undefined;
  try {
    if (!noAuth && !isLoopback(settings.host) && !(await verity.keys.exists())) {
      throw new VerityError(
        "E_CONFIG",
        `no API key exists, so a server on ${settings.host} would let anyone on the network read and change everything. Create a key first (verity keys create --name admin --scope admin --group '*'), listen on 127.0.0.1, or pass --no-auth to serve without keys`,
        { option: "host" },
      );
    }
    if (noAuth) {
      logger.warn(
        { host: settings.host },
        "AUTHENTICATION IS OFF (--no-auth): anyone who can reach this server can read, change and delete every collection",
      );
    }
    // On Postgres nothing else makes the data dir, which still holds uploads and the media-link secret.
    mkdirSync(options.dataDir, { recursive: true });
    const server = await createServerApp({
      verity,
      settings,
      dataDir: realpathSync(options.dataDir),
      noAuth,
      logger,
      ...(options.models ? { models: options.models } : {}),
      ...(options.databaseUrl ? { jobQueue: { url: options.databaseUrl, concurrency: worker ? 1 : 0 } } : {}),
    });
    served = server;
    await server.uploads.cleanStaging();
    await server.app
      .listen({ host: settings.host, port: settings.port })
      .catch((error: NodeJS.ErrnoException) => {
        throw listenError(error, settings.host, settings.port);
      });
    const address = server.app.server.address();
    const port = typeof address === "object" && address ? address.port : settings.port;
    const url = `http://${settings.host.includes(":") ? `[${settings.host}]` : settings.host}:${port}`;
    const resumed = await server.jobs.resumeInterrupted();
    if (resumed.length > 0) logger.info({ jobs: resumed.map((job) => job.id) }, "resumed interrupted jobs");
    logger.info(
      { url, auth: noAuth ? "off" : (await verity.keys.exists()) ? "keys" : "none yet (loopback)" },
      "listening",
    );

    let closing: Promise<void> | undefined;
    const close = async () => {
      const deadline = Date.now() + settings.timeouts.shutdownMs;
      try {
        await server.drain(settings.timeouts.shutdownMs);
        // Jobs left unfinished at the deadline stay in the store and resume at the next start.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          server.jobs.stop(),
          new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
        ]);
        clearTimeout(timer);
      } finally {
        await verity.close();
        logger.info({}, "stopped");
        logger.flush();
      }
    };
    return {
      ...server,
      url,
      close: () => {
        closing ??= close();
        return closing;
      },
    };
  } catch (error) {
    // Not serving (its port taken, say): the queue's connections go too, so the process can exit.
    await served?.drain(0).catch(() => undefined);
    await served?.jobs.stop().catch(() => undefined);
    await verity.close();
    throw error;
  }
}

/** Why the server could not listen, with what to do about it; other failures as they are. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (error.code === "EADDRINUSE") {
    return new VerityError(
      "E_CONFIG",
      `${where} is in use by another program (another verity serve?): stop it, or choose another port with --port (0 picks a free one)`,
      { option: "port", cause: error },
    );
  }
  if (error.code === "EACCES") {
    return new VerityError(
      "E_CONFIG",
      `this user may not listen on ${where} (ports below 1024 need privileges): choose a port from 1024 up with --port`,
      { option: "port", cause: error },
    );
  }
  if (error.code === "EADDRNOTAVAIL") {
    return new VerityError(
      "E_CONFIG",
      `${host} is not an address of this machine: choose one it has with --host (127.0.0.1 for this machine only, 0.0.0.0 for every interface)`,
      { option: "host", cause: error },
    );
  }
  return error;
}
