// The CLI's logger: pino on stderr, loaded only when something is logged at the chosen level, so
// commands that log nothing (most of them) never pay for loading it.
import { createRequire } from "node:module";
import type { Logger } from "../core/logger.js";

type Level = keyof Logger;
const rank: Record<Level, number> = { debug: 20, info: 30, warn: 40, error: 50 };

export function createCliLogger(level: "debug" | "warn"): Logger {
  let pinoLogger: Logger | undefined;
  const logger = (): Logger => {
    if (!pinoLogger) {
      // pino is CommonJS: `require` loads it synchronously at the first line logged.
      const pino = createRequire(import.meta.url)("pino") as typeof import("pino").default;
      pinoLogger = pino({ level }, pino.destination({ fd: 2, sync: true })) as unknown as Logger;
    }
    return pinoLogger;
  };
  const at =
    (wanted: Level) =>
    (object: object, message?: string): void => {
      if (rank[wanted] >= rank[level]) logger()[wanted](object, message);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
