// Prepared statements kept by their SQL text: queries filtered by a caller's access vary in shape
// (which lists are given), and compiling one costs more than running it.
import type Database from "better-sqlite3";

export type PrepareCached = <Parameters extends unknown[], Row>(
  sql: string,
) => Database.Statement<Parameters, Row>;

/** At most a few dozen shapes exist; the bound keeps a mistake from growing without end. */
const maxStatements = 200;

export function createStatementCache(db: Database.Database): PrepareCached {
  const statements = new Map<string, Database.Statement>();
  return <Parameters extends unknown[], Row>(sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= maxStatements) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<Parameters, Row>;
  };
}
