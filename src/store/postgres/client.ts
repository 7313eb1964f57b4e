// The one seam between the store and a PostgreSQL connection: queries that return rows, and
// transactions. Two adapters: a `pg` pool (a transaction checks out one client for its whole span)
// and an in-process PGlite. Everything above this file is driver-free.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";
import { render, type Sql } from "./sql.js";

export interface Queryable {
  query<Row = Record<string, unknown>>(statement: Sql): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Client extends Queryable {
  /** `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function poolClient(pool: Pool, owned: boolean): Client {
  const over = (target: Pool | PoolClient): Queryable => ({
    async query<Row>(statement: Sql) {
      const { text, values } = render(statement);
      return (await target.query(text, values)).rows as Row[];
    },
    async exec(script) {
      await target.query(script);
    },
  });
  return {
    ...over(pool),
    async transaction(work) {
      const connection = await pool.connect();
      let broken: unknown;
      try {
        await connection.query("BEGIN");
        const result = await work(over(connection));
        await connection.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await connection.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError;
        }
        throw error;
      } finally {
        // A connection whose rollback failed is in an unknown state: the pool drops it.
        connection.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}

export function pgliteClient(db: PGlite): Client {
  const over = (target: PGlite | Transaction): Queryable => ({
    async query<Row>(statement: Sql) {
      const { text, values } = render(statement);
      return (await target.query<Row>(text, values)).rows;
    },
    async exec(script) {
      await target.exec(script);
    },
  });
  return {
    ...over(db),
    transaction: (work) => db.transaction((tx) => work(over(tx))),
    // The caller made the PGlite and closes it.
    async close() {},
  };
}
