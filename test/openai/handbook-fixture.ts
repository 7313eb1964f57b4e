// A small handbook for the OpenAI-compatible and MCP tests: two collections, one document only the
// "hr" group may read, and API keys that map to what each caller may read, the way the server's
// authentication will (a ServerContext made from createVerity).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VerityError } from "../../src/core/errors.js";
import { noopLogger } from "../../src/core/logger.js";
import { createVerity, type Verity } from "../../src/engine.js";
import type { ModelCatalogue } from "../../src/models/catalogue.js";
import type { Caller, ServerContext } from "../../src/server/context.js";

export const leave =
  "# Leave\n\nNew staff get 25 vacation days a year.\n\n## Expiry\n\nUnused vacation days expire at the end of March of the following year.\n";
export const travel =
  "# Travel\n\nTravel expense claims must be filed within 90 days of the trip.\n\n## Late claims\n\nLate travel expense claims expire after 90 days and are not paid.\n";
/** Readable only by the "hr" group. */
export const salaries = "# Salaries\n\nSenior engineers earn 95,000 euros a year.\n";
export const budget = "# Budget\n\nThe hotel budget in Paris is 180 euros a night.\n";

/** Test keys as a client sends them (`Authorization: Bearer <key>`), and who each one is. */
export const callers: Record<string, Caller> = {
  "staff-key": { keyId: "staff", scopes: ["read"], access: { collections: ["handbook"], groups: [] } },
  "hr-key": { keyId: "hr", scopes: ["read"], access: { collections: "*", groups: ["hr"] } },
  "ingest-only-key": { keyId: "ingester", scopes: ["write"], access: { collections: "*", groups: "*" } },
};

export interface Handbook {
  dir: string;
  dataDir: string;
  verity: Verity;
  context: ServerContext;
  /** Closes the engine (so another process may use the data dir), keeping the files. */
  closeEngine(): void;
  /** Closes the engine and removes the data dir and documents. */
  close(): void;
}

/**
 * Ingests the handbook (leave, travel, and salaries for "hr" only) and a finance collection into a
 * fresh data dir, and returns the engine and a context whose `authenticate` knows the test keys.
 */
export async function createHandbook(options: { models?: ModelCatalogue } = {}): Promise<Handbook> {
  const dir = mkdtempSync(join(tmpdir(), "verity-handbook-"));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write("docs/leave.md", leave);
  write("docs/travel.md", travel);
  write("hr/salaries.md", salaries);
  write("finance/budget.md", budget);
  const dataDir = join(dir, "data");
  const verity = createVerity({ dataDir, ...(options.models ? { models: options.models } : {}) });
  await verity.ingest([join(dir, "docs")], { collection: "handbook" });
  await verity.ingest([join(dir, "hr")], { collection: "handbook", groups: ["hr"] });
  await verity.ingest([join(dir, "finance")], { collection: "finance" });
  const context: ServerContext = {
    verity,
    logger: noopLogger,
    async authenticate(authorization) {
      const key = authorization?.replace(/^Bearer /u, "");
      const caller = key === undefined ? undefined : callers[key];
      if (!caller)
        throw new VerityError("E_UNAUTHORIZED", "send a valid API key as Authorization: Bearer <key>");
      return caller;
    },
  };
  let open = true;
  const closeEngine = async () => {
    if (open) await verity.close();
    open = false;
  };
  return {
    dir,
    dataDir,
    verity,
    context,
    closeEngine,
    async close() {
      await closeEngine();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
