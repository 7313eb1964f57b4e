// The package as a user gets it: `npm pack`, the tarball installed into a fresh project with only
// Verity's production dependencies beside it (linked from this checkout's node_modules, so nothing is
// downloaded), the README's library example type-checked against the packed types and run against
// loopback model and embedding servers, and the CLI run from the installed package.
import { execFile, execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeChatServer } from "./fakes/fake-chat-server.js";
import { startFakeEmbeddingServer } from "./fakes/fake-embedding-server.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const example = readFileSync(join(root, "examples", "library.ts"), "utf8");

let work: string;
let project: string;
let packed: string[];

/** Top-level packages of the lockfile a production install of Verity would have. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(
      ([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/u.test(path) && !entry.dev && !entry.devOptional,
    )
    .map(([path]) => path.slice("node_modules/".length));
}

function link(name: string): void {
  const target = join(project, "node_modules", name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(root, "node_modules", name), target, "dir");
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return execFileSync(command, args, {
    cwd: options.cwd ?? project,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "verity-package-"));
  project = join(work, "app");
  const installed = join(project, "node_modules", "verity");
  mkdirSync(installed, { recursive: true });
  // `npm pack` runs `prepare`, which builds dist/ from the current source.
  const [manifest] = JSON.parse(
    run("npm", ["pack", "--json", "--pack-destination", work], { cwd: root }),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!manifest) throw new Error("npm pack printed no manifest");
  packed = manifest.files.map((file) => file.path);
  run("tar", ["-xzf", join(work, manifest.filename), "-C", installed, "--strip-components=1"]);
  for (const name of productionPackages()) link(name);
  // The user's own tools for a TypeScript project.
  link("typescript");
  link("@types/node");
  // What npm would do at install: the package's postinstall (the native ranking function).
  run(process.execPath, [join(installed, "scripts", "build-native.mjs")], { cwd: installed });
  mkdirSync(join(project, "docs"));
  writeFileSync(join(project, "docs", "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module" }),
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        types: ["node"],
        skipLibCheck: true,
        outDir: "out",
      },
      include: ["library.ts"],
    }),
  );
  writeFileSync(join(project, "library.ts"), example);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships the compiled library, its types, the CLI and the native source, and no tests or TypeScript source", () => {
    expect(packed).toEqual(
      expect.arrayContaining(["bin/verity.js", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js"]),
    );
    expect(packed).toContain("native/verity_fts5.c");
    expect(packed.filter((path) => /\.test\.|-test-support|^src\/|^test\//u.test(path))).toEqual([]);
  });

  it("type-checks the README's library example against the packed types", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).toContain(example.slice(example.indexOf("import {")).trim());
    run(process.execPath, [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "."]);
    expect(existsSync(join(project, "out", "library.js"))).toBe(true);
  });

  it("runs the library example: ingest, embed, and a streamed, cited, verified answer with its trace", async () => {
    const chat = await startFakeChatServer(() => ({ content: "New staff get 25 vacation days a year [1]." }));
    const embeddings = await startFakeEmbeddingServer();
    try {
      writeFileSync(
        join(project, "models.json"),
        JSON.stringify({
          models: [
            {
              id: "local-small",
              provider: "openai-compatible",
              model: "fake-small",
              baseUrl: `${chat.url}/v1`,
              contextWindow: 8192,
              tier: "small",
              local: true,
            },
          ],
        }),
      );
      // Asynchronously: the loopback servers answer from this process's event loop.
      const { stdout: output } = await promisify(execFile)(
        process.execPath,
        [join(project, "out", "library.js")],
        {
          cwd: project,
          env: { ...process.env, VERITY_EMBEDDER: `ollama:fake-embed@${embeddings.url}` },
          encoding: "utf8",
        },
      );
      expect(output).toContain("ingested 1 files: 1 added, 0 failed");
      expect(output).toContain("> New staff get 25 vacation days a year.");
      expect(output).toMatch(/cites .*docs\/leave\.md \[\d+-\d+\]/u);
      expect(output).toContain("(supported)");
      expect(output).toMatch(/answered by generative:local-small \(hybrid retrieval\)/u);
      expect(chat.requests).toHaveLength(1);
      expect(embeddings.requests.length).toBeGreaterThan(0);
    } finally {
      await Promise.all([chat.close(), embeddings.close()]);
    }
  });

  it("runs the installed CLI from its compiled files: help, ingest and a cited answer", () => {
    const cli = join(project, "node_modules", "verity", "bin", "verity.js");
    expect(run(process.execPath, [cli, "--help"])).toContain("Usage: verity");
    const dataDir = join(work, "cli-data");
    run(process.execPath, [cli, "--data-dir", dataDir, "ingest", "docs", "--json"]);
    const answer = JSON.parse(
      run(process.execPath, [
        cli,
        "--data-dir",
        dataDir,
        "ask",
        "How many vacation days do new staff get?",
        "--json",
      ]),
    ) as { status: string; sentences: { text: string }[]; trace: { answerer: string } };
    expect(answer.status).toBe("answered");
    expect(answer.sentences[0]?.text).toBe("New staff get 25 vacation days a year.");
    const stats = JSON.parse(run(process.execPath, [cli, "--data-dir", dataDir, "stats", "--json"])) as {
      store: { bm25Ranking: string };
    };
    // The package's postinstall built the native ranking function, and the installed CLI uses it.
    expect(stats.store.bm25Ranking).toBe("verity_bm25");
  });
});
