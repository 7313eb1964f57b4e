// The `server` section of the config file: where to listen, how much a request may carry, how often
// and how much at once a key may ask, and how long anything may take. Parsed once, defaults filled.
import { z } from "zod";
import { VerityError } from "../../core/errors.js";

const mebibyte = 1024 * 1024;

const limitsSchema = z
  .object({
    /** Largest JSON body, in bytes (default 1 MiB). */
    bodyBytes: z.number().int().min(1024).default(mebibyte),
    /** Largest uploaded file, in bytes (default 100 MiB, as `ingest --max-file-mb`). */
    uploadBytes: z
      .number()
      .int()
      .min(1024)
      .default(100 * mebibyte),
    /** Most files in one upload request (default 20). */
    uploadFiles: z.number().int().min(1).max(1000).default(20),
  })
  .strict();

const rateLimitSchema = z
  .object({
    /** Requests each API key (or, without keys, each client address) may make per window (default 600). */
    max: z.number().int().min(1).default(600),
    /** The window, in milliseconds (default one minute). */
    windowMs: z.number().int().min(1000).default(60_000),
  })
  .strict();

const timeoutsSchema = z
  .object({
    /** Time to receive a whole request, uploads included (default 5 minutes). */
    requestMs: z.number().int().min(1000).default(300_000),
    /** Time an answer may take before it is abandoned with E_PROVIDER_TIMEOUT (default 2 minutes). */
    askMs: z.number().int().min(100).default(120_000),
    /** Idle keep-alive connections are closed after this long (default 72 s, above common proxies' 60 s). */
    keepAliveMs: z.number().int().min(1000).default(72_000),
    /** On SIGTERM, in-flight requests get this long to finish before the process exits anyway (default 30 s). */
    shutdownMs: z.number().int().min(0).default(30_000),
    /** How long a media link (POST …/documents/:id/content-url) opens its document (default 10 minutes). */
    mediaLinkMs: z.number().int().min(10_000).max(86_400_000).default(600_000),
  })
  .strict();

export const serverSettingsSchema = z
  .object({
    /** Interface to listen on (default 127.0.0.1, loopback only). */
    host: z.string().min(1).default("127.0.0.1"),
    /** TCP port (default 8080; 0 picks a free one). */
    port: z.number().int().min(0).max(65_535).default(8080),
    limits: limitsSchema.default(limitsSchema.parse({})),
    rateLimit: rateLimitSchema.default(rateLimitSchema.parse({})),
    /** Questions one API key may have in flight at once; more get 429 with Retry-After (default 4). */
    concurrentAsksPerKey: z.number().int().min(1).default(4),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    /** Trust X-Forwarded-For from a reverse proxy for client addresses (default false). */
    trustProxy: z.boolean().default(false),
    /** Log level of the server's JSON log on stdout (default info). */
    logLevel: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  })
  .strict();

export type ServerSettings = z.infer<typeof serverSettingsSchema>;

/** Settings from a config file's `server` section (or none), errors naming the field and the file. */
export function parseServerSettings(value: unknown, origin = "server settings"): ServerSettings {
  const result = serverSettingsSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `server.${issue.path.join(".")}: ${issue.message}`.replace(/\.:/u, ":"));
  throw new VerityError("E_CONFIG", `${origin} is not valid: ${problems.join("; ")}`, { option: "config" });
}
