// The PostgreSQL server a benchmark measures: one the user runs (`--database-url`, whose role may create
// databases), or a throwaway PostgreSQL server started here from the machine's own binaries
// (test/support/postgres-server.ts: initdb, 127.0.0.1, trust, fsync off). Each store measured gets a
// fresh database of its own, `verity_bench_<n>`, dropped afterwards.
import pg from "pg";
import { startPostgresServer } from "../test/support/postgres-server.js";

export interface BenchPostgres {
  /** How the server is described in a report: `PostgreSQL <version> server`. */
  label: string;
  /** Whether the bench started the server (127.0.0.1, fsync off) rather than being given its URL. */
  startedHere: boolean;
  /** Whether the server has pgvector (`CREATE EXTENSION vector` would work). */
  vectors: boolean;
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  /** Drops what is left and stops the server if the bench started it. */
  stop(): Promise<void>;
}

export async function openBenchPostgres(databaseUrl?: string): Promise<BenchPostgres> {
  const server = databaseUrl ? undefined : await startPostgresServer();
  const adminUrl = databaseUrl ?? (server?.url("postgres") as string);
  const admin = new pg.Pool({ connectionString: adminUrl, max: 1 });
  try {
    const [version] = (await admin.query<{ server_version: string }>("SHOW server_version")).rows;
    const available = await admin.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    const made = new Set<string>();
    let counter = 0;
    const label = `PostgreSQL ${version?.server_version.split(" ")[0] ?? "?"} server`;
    return {
      label,
      startedHere: server !== undefined,
      vectors: (available.rowCount ?? 0) > 0,
      async createDatabase() {
        counter++;
        const name = `verity_bench_${process.pid}_${counter}`;
        await admin.query(`CREATE DATABASE ${name}`);
        made.add(name);
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        return url.toString();
      },
      async dropDatabase(url) {
        const name = new URL(url).pathname.slice(1);
        if (!made.has(name)) throw new Error(`${name} was not made by this benchmark`);
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        made.delete(name);
      },
      async stop() {
        for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
        await server?.stop();
      },
    };
  } catch (error) {
    await admin.end();
    await server?.stop();
    throw error;
  }
}
