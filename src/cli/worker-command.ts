// `verity worker`: takes upload and reindex jobs from the shared queue in PostgreSQL and runs them
// through the engine, logging one JSON line per job on stdout, until SIGTERM or Ctrl-C: it then stops
// taking jobs, gives the running ones `--grace` seconds to end, hands back those still running, and
// exits 0. Needs a database URL; reads uploads from the data dir's uploads folder, which every serve
// replica and worker must share.
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import type { Command } from "commander";
import { VerityError } from "../core/errors.js";
import { nonNegativeInteger, positiveInteger } from "./arguments.js";
import type { CliIo } from "./cli-io.js";
import { commandOptionSources, type GlobalOptions } from "./global-options.js";
import { stopSignal } from "./stop-signal.js";

interface WorkerCommandContext {
  io: CliIo;
}

interface WorkerOptions {
  concurrency: number;
  grace: number;
  dataDir?: string;
  config?: string;
}

export function addWorkerCommand(program: Command, context: WorkerCommandContext): void {
  program
    .command("worker")
    .description(
      "run upload and reindex jobs from the shared queue in PostgreSQL (needs --database-url) until SIGTERM or Ctrl-C",
    )
    .option("--concurrency <n>", "jobs run at the same time", positiveInteger, 1)
    .option(
      "--grace <seconds>",
      "on SIGTERM or Ctrl-C, how long running jobs may take to end before they are handed back to the queue",
      nonNegativeInteger,
      30,
    )
    .option(
      "--data-dir <dir>",
      "the data dir whose uploads folder the serve replicas share (env VERITY_DATA_DIR; default ./.verity)",
    )
    .option("--config <file>", "JSON config file: models, embedder, transcriber (env VERITY_CONFIG)")
    .action(async (options: WorkerOptions) => {
      const { io } = context;
      const global = program.opts<GlobalOptions>();
      const { resolveVerityOptions } = await import("../resolve-options.js");
      const resolved = await resolveVerityOptions(commandOptionSources(global, options, io));
      const url = resolved.databaseUrl;
      if (url === undefined) {
        throw new VerityError(
          "E_CONFIG",
          "a worker takes jobs from the shared queue in PostgreSQL, so it needs the database URL the serve replicas use: pass --database-url postgres://…, set VERITY_DATABASE_URL, or set databaseUrl in the config file (with the embedded database, verity serve runs its jobs itself)",
          { option: "databaseUrl" },
        );
      }
      const [{ createVerity }, { createUploadArea }, { createJobQueue }, { createQueueWorker }] =
        await Promise.all([
          import("../engine.js"),
          import("../server/documents/upload-area.js"),
          import("../server/jobs/queue/job-queue.js"),
          import("../server/jobs/queue/queue-worker.js"),
        ]);
      const pino = createRequire(import.meta.url)("pino") as typeof import("pino").default;
      const logger = pino({ base: { component: "worker" } }, pino.destination({ dest: 1, sync: true }));
      const { signal: stop } = stopSignal(io);
      // One line per job: the engine's own summary of each ingestion stays out (warnings still show).
      const engineLogger = logger.child({ component: "engine" }, { level: "warn" });
      const verity = createVerity({ ...resolved, logger: engineLogger });
      try {
        // The store opened (and migrated) now, so a wrong URL fails here rather than at the first job.
        await verity.store.hasCollection("");
        const queue = await createJobQueue({ url, store: verity.store, logger });
        try {
          const dataDir = existsSync(resolved.dataDir) ? realpathSync(resolved.dataDir) : resolved.dataDir;
          const worker = await createQueueWorker({
            queue,
            verity,
            uploads: createUploadArea(dataDir, Number.POSITIVE_INFINITY),
            concurrency: options.concurrency,
          });
          logger.info({ worker: worker.name, concurrency: options.concurrency }, "taking jobs");
          io.stderr.write(`verity: worker ${worker.name} taking jobs (concurrency ${options.concurrency})\n`);
          if (!stop.aborted)
            await new Promise((stopped) => stop.addEventListener("abort", stopped, { once: true }));
          const { finished, released } = await worker.stop(options.grace * 1000);
          logger.info({ finished, released }, "stopped");
        } finally {
          await queue.close();
        }
      } finally {
        await verity.close();
        logger.flush();
      }
    });
}
