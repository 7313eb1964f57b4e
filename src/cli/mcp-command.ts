// `verity mcp`: Verity's tools (search, ask, list_collections, get_document) for an AI agent, over
// MCP on stdin and stdout. The agent runs as the local user, who reads everything, unless an API key
// is given (--key or VERITY_API_KEY): then it reads only what that key may. stdout carries the
// protocol alone; logs go to stderr.
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { type Access, fullAccess } from "../core/access.js";
import { VerityError } from "../core/errors.js";
import type { Verity } from "../engine.js";
import type { CliIo } from "./cli-io.js";
import { stopSignal } from "./stop-signal.js";

interface McpCommandContext {
  open(): Promise<Verity>;
  io: CliIo;
}

export function addMcpCommand(program: Command, context: McpCommandContext): void {
  program
    .command("mcp")
    .description(
      "serve search, ask, list_collections and get_document to an AI agent over MCP (stdin/stdout), until stdin closes",
    )
    .option(
      "--key <key>",
      "read only what this API key may (env VERITY_API_KEY); default: everything, as the local user",
    )
    .action(async (options: { key?: string }) => {
      const verity = await context.open();
      const key = options.key || context.io.env.VERITY_API_KEY || undefined;
      const caller = key === undefined ? { access: fullAccess } : await keyCaller(verity, key);
      const [{ createMcpServer }, { StdioServerTransport }] = await Promise.all([
        import("../server/mcp/mcp-tools.js"),
        import("@modelcontextprotocol/sdk/server/stdio.js"),
      ]);
      const server = createMcpServer(verity, caller);
      const transport = new StdioServerTransport(process.stdin, context.io.stdout as Writable);
      const closed = new Promise<void>((resolve) => {
        transport.onclose = resolve;
      });
      await server.connect(transport);
      // The agent ends the session by closing stdin; a signal ends it too.
      const stop = () => void server.close();
      process.stdin.once("end", stop);
      const stopping = stopSignal(context.io);
      stopping.signal.addEventListener("abort", stop, { once: true });
      await closed;
      process.stdin.off("end", stop);
      stopping.signal.removeEventListener("abort", stop);
      stopping.release();
    });
}

/** The access of a presented key, checked against the keys stored in the data dir. */
async function keyCaller(verity: Verity, key: string): Promise<{ access: Access; keyId: string }> {
  const verification = await verity.keys.verify(key);
  if (verification.status === "valid") return { access: verification.access, keyId: verification.key.id };
  const why = {
    malformed: "is not a Verity API key (they start with vty_)",
    unknown: "is not known in this data dir",
    revoked: "was revoked",
    expired: "has expired",
  }[verification.status];
  throw new VerityError(
    "E_UNAUTHORIZED",
    `the API key given to verity mcp (--key or VERITY_API_KEY) ${why}; use a key created for this data dir, or none to read everything as the local user`,
  );
}
