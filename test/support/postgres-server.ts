// A throwaway PostgreSQL server for tests: a cluster made by initdb in a temporary folder, started by
// pg_ctl on 127.0.0.1 at a free port (and a unix socket in the same folder), trusting local
// connections, with fsync off. One per test file; each test gets its own database. PostgreSQL refuses
// to run as root, so under root its programs run as the `postgres` user (Debian's package makes it),
// or `nobody`, owning the folder.
import { type SpawnOptions, type SpawnSyncOptions, spawn, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { postgresBinary } from "./system-tools.js";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database: string): string;
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database made by `createDatabase`, closing any connection still open to it. */
  dropDatabase(url: string): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** Starts a server; `stop` it when done (it is also stopped if the process exits first). */
export async function startPostgresServer(): Promise<PostgresServer> {
  const folder = mkdtempSync(join(tmpdir(), "verity-pg-"));
  const data = join(folder, "data");
  const log = join(folder, "server.log");
  const runAs = unprivilegedUser();
  if (runAs) chownSync(folder, runAs.uid, runAs.gid);
  const stopNow = () => {
    spawnSync(postgresBinary("pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"], spawnOptions(runAs));
    rmSync(folder, { recursive: true, force: true });
  };
  process.once("exit", stopNow);
  try {
    await run(
      postgresBinary("initdb"),
      // ICU's en-US collation, as managed PostgreSQL services default to (en_US.UTF-8): text sorts
      // as people read it, not byte by byte, so an ORDER BY that needs byte order must say so.
      [
        "-D",
        data,
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--locale-provider=icu",
        "--icu-locale=en-US",
        "--no-sync",
      ],
      runAs,
    );
    const port = await startOnFreePort(data, folder, log, runAs);
    const admin = new pg.Pool({ connectionString: urlOf(port, "postgres"), max: 2 });
    let databases = 0;
    return {
      url: (database) => urlOf(port, database),
      async createDatabase() {
        databases++;
        const name = `verity_test_${databases}`;
        await admin.query(`CREATE DATABASE ${name}`);
        return urlOf(port, name);
      },
      async dropDatabase(url) {
        const name = new URL(url).pathname.slice(1);
        if (!/^verity_test_\d+$/u.test(name)) throw new Error(`${name} was not made by createDatabase`);
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
      async stop() {
        await admin.end();
        await run(postgresBinary("pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w"], runAs);
        rmSync(folder, { recursive: true, force: true });
        process.removeListener("exit", stopNow);
      },
    };
  } catch (error) {
    stopNow();
    process.removeListener("exit", stopNow);
    throw error;
  }
}

function urlOf(port: number, database: string): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

/** Starts the server on a port that was free a moment ago, trying again if another process took it. */
async function startOnFreePort(data: string, socketFolder: string, log: string, runAs: RunAs | undefined) {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${socketFolder}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    try {
      await run(
        postgresBinary("pg_ctl"),
        ["start", "-D", data, "-l", log, "-w", "-t", "60", "-o", settings],
        runAs,
      );
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  let serverLog = "";
  try {
    serverLog = readFileSync(log, "utf8");
  } catch {
    // No log: the server never started far enough to write one.
  }
  throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${serverLog}`, { cause: lastError });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** Under root, the user PostgreSQL's programs run as: `postgres`, else `nobody`. */
function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"));
  for (const name of ["postgres", "nobody"]) {
    const entry = users.find((fields) => fields[0] === name);
    if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error("PostgreSQL cannot run as root, and there is no postgres or nobody user to run it as");
}

function spawnOptions(runAs: RunAs | undefined): SpawnOptions & SpawnSyncOptions {
  // The programs run in a folder the user may enter, and never inherit the test's terminal.
  return { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"], ...(runAs ?? {}) };
}

function run(program: string, args: readonly string[], runAs: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, spawnOptions(runAs));
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${program} ${args.join(" ")} exited with ${code}: ${output.trim()}`));
    });
  });
}
