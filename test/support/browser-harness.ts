// A real server for the web app's browser tests: the app as `verity serve` builds it on 127.0.0.1 (port
// 0) with the built web app, a streaming quoting model on a fake OpenAI-compatible endpoint, and the
// documents the tests ask about: the demo help centre, a generated multi-page PDF manual, and a
// document only the "board" access group may read. The web app is built from web/ into a folder of the
// tests' own when its sources have changed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import PDFDocument from "pdfkit";
import { writeDemoCorpus } from "../../scripts/demo-corpus.js";
import type { VerityOptions } from "../../src/engine.js";
import { startTestServer, type TestServer } from "../server/server-harness.js";
import { type QuotingModel, startQuotingModel } from "./browser-model.js";
import { repositoryRoot } from "./cli-process.js";

export const webSources = join(repositoryRoot, "web");
/** Where the tests' builds of the web app go (one folder per state of web/), beside Vite's own cache. */
const buildCache = join(repositoryRoot, "node_modules", ".cache", "verity-web-tests");

/** The newest modification time of the files under `path` (tests and node_modules aside). */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$/u.test(path) ? 0 : stat.mtimeMs;
  return Math.max(
    0,
    ...readdirSync(path)
      .filter((name) => name !== "node_modules" && name !== "dist")
      .map((name) => newest(join(path, name))),
  );
}

/**
 * The web app built by Vite (its own config) from web/ as it is now, in a folder named after the
 * sources' newest change. Never dist/web: `npm run build`, which test/package.test.ts runs through
 * `npm pack`, deletes and rebuilds that while other test files run. Test files run in parallel
 * processes: a lock lets one build while the others wait for it.
 */
export async function webBuildFolder(): Promise<string> {
  const folder = join(buildCache, Math.floor(newest(webSources)).toString(36));
  const ready = () => existsSync(join(folder, "index.html"));
  if (ready()) return folder;
  mkdirSync(buildCache, { recursive: true });
  const lock = `${folder}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds; a lock older than two minutes was left by one that died.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (ready()) return folder;
    }
  }
  try {
    if (ready()) return folder;
    // Built aside and renamed, so a folder that exists is always a whole build.
    const partial = `${folder}.partial`;
    rmSync(partial, { recursive: true, force: true });
    const built = spawnSync(
      process.execPath,
      [
        join(repositoryRoot, "node_modules/vite/bin/vite.js"),
        "build",
        "--config",
        join(webSources, "vite.config.ts"),
        "--outDir",
        partial,
        "--emptyOutDir",
        "--logLevel",
        "warn",
      ],
      // A production build, as `npm run build` makes: the test worker's NODE_ENV=test would make React's development build.
      {
        cwd: repositoryRoot,
        encoding: "utf8",
        env: { ...process.env, NODE_ENV: process.env.VERITY_WEB_NODE_ENV ?? "production" },
      },
    );
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
    renameSync(partial, folder);
    // Builds of earlier sources, unused for a while, go.
    for (const name of readdirSync(buildCache)) {
      const other = join(buildCache, name);
      if (other !== folder && other !== lock && Date.now() - statSync(other).mtimeMs > 600_000)
        rmSync(other, { recursive: true, force: true });
    }
    return folder;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Time to allow a hook that starts a web server: the first test file to start may build the app first. */
export const webServerStartMs = 180_000;

export interface WebKeys {
  /** Scope admin, every group. */
  admin: string;
  /** Scope read, no group: never sees the board's document. */
  reader: string;
  /** Scope read, group "board". */
  insider: string;
}

export interface WebServer {
  url: string;
  /** The built web app the server serves. */
  webRoot: string;
  server: TestServer;
  model: QuotingModel;
  /** Present when started with `keys: true` (the app then asks for a key). */
  keys: WebKeys | undefined;
  close(): Promise<void>;
}

export interface WebServerOptions {
  /** Create the admin, reader and insider keys. */
  keys?: boolean;
  /** The config file's `server` section. */
  server?: Record<string, unknown>;
  /** Pause between the model's streamed chunks (default 15 ms). */
  chunkDelayMs?: number;
  verity?: Partial<VerityOptions>;
  /** Serve this build of the web app instead of the tests' own build of web/ as it is now. */
  webRoot?: string;
}

export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const webRoot = options.webRoot ?? (await webBuildFolder());
  const model = await startQuotingModel({ chunkDelayMs: options.chunkDelayMs ?? 15 });
  const server = await startTestServer({
    verity: { models: model.catalogue, ...options.verity },
    web: webRoot,
    ...(options.server ? { server: options.server } : {}),
  });
  let keys: WebKeys | undefined;
  if (options.keys) {
    const create = async (name: string, scopes: ("read" | "write" | "admin")[], groups: "*" | string[]) =>
      (await server.verity.keys.create({ name, scopes, groups })).secret;
    keys = {
      admin: await create("admin", ["admin"], "*"),
      reader: await create("reader", ["read"], []),
      insider: await create("insider", ["read"], ["board"]),
    };
  }
  return {
    url: server.url,
    webRoot,
    server,
    model,
    keys,
    async close() {
      await server.close();
      await model.server.close();
    },
  };
}

export const helpCentreCollection = "help-centre";

/** The demo help centre's files, written into the test's folder (for uploads through the Library page). */
export async function writeHelpCentre(server: TestServer): Promise<string[]> {
  return writeDemoCorpus(join(server.dir, "help-centre"));
}

/** The demo help centre, ingested into the collection "help-centre". */
export async function addHelpCentre(server: TestServer): Promise<void> {
  await writeHelpCentre(server);
  await server.verity.ingest([join(server.dir, "help-centre")], { collection: helpCentreCollection });
}

/** Minutes only the "board" group may read, in the help centre's collection. */
export const boardMinutes = {
  name: "board-minutes.md",
  question: "What price did the board approve for the Orion acquisition?",
  phrase: "4.2 million euros",
};

export async function addBoardMinutes(server: TestServer): Promise<void> {
  const path = join(server.dir, boardMinutes.name);
  writeFileSync(
    path,
    "# Board minutes, March\n\nThe board approved the Orion acquisition at a price of 4.2 million euros. The Orion team joins in June.\n",
  );
  await server.verity.ingest([path], { collection: helpCentreCollection, groups: ["board"] });
}

/** Valve names, one per page of the generated manual. */
const valves = [
  "amber",
  "birch",
  "cedar",
  "dahlia",
  "ember",
  "fennel",
  "garnet",
  "hazel",
  "indigo",
  "juniper",
  "kestrel",
  "lilac",
  "maple",
  "nutmeg",
  "olive",
  "pepper",
  "quartz",
  "russet",
  "saffron",
  "thistle",
  "umber",
  "violet",
  "willow",
  "xenon",
  "yarrow",
  "zinnia",
];

const places = [
  "the boiler",
  "the north stairwell",
  "the loading dock",
  "the paint shop",
  "the canteen",
  "the server room",
  "the water tower",
  "the main gate",
  "the compressor",
  "the chemistry lab",
  "the bicycle shed",
  "the generator",
];

/** The valve on page `page` (1-based) of the manual, and the question its page answers. */
export function manualPage(page: number): { valve: string; question: string; fact: string } {
  // Past the 26 names, a prefix keeps each valve one word no other page's name starts with.
  const prefix = ["", "upper", "lower", "outer"][Math.floor((page - 1) / valves.length)] ?? "inner";
  const valve = `${prefix}${valves[(page - 1) % valves.length]}`;
  return {
    valve,
    question: `Where is the ${valve} valve?`,
    fact: `The ${valve} valve sits behind ${places[(page - 1) % places.length]}.`,
  };
}

/** A PDF manual of `pages` pages, each saying where one valve is, with filler text around it. */
export function writeManual(path: string, pages: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({
      autoFirstPage: false,
      info: { CreationDate: new Date("2025-03-01") },
    });
    const chunks: Buffer[] = [];
    document.on("data", (chunk: Buffer) => chunks.push(chunk));
    document.on("error", reject);
    document.on("end", () => {
      writeFileSync(path, Buffer.concat(chunks));
      resolve();
    });
    for (let page = 1; page <= pages; page++) {
      document.addPage();
      document.fontSize(18).text(`Chapter ${page}: maintenance`);
      document.moveDown();
      document
        .fontSize(11)
        .text(
          `Inspect the housing before each shift and record the reading in the log book. ${manualPage(page).fact} Replace the seal after two thousand hours of service.`,
        );
    }
    document.end();
  });
}

export const manualName = "plant-manual.pdf";

/** The generated manual of `pages` pages, ingested into `collection`. */
export async function addManual(
  server: TestServer,
  pages: number,
  collection = helpCentreCollection,
): Promise<string> {
  const path = join(server.dir, manualName);
  await writeManual(path, pages);
  await server.verity.ingest([path], { collection });
  return path;
}
