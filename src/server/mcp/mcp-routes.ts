// MCP over streamable HTTP at `/mcp`, stateless: each POST is authenticated from its Authorization
// header and answered by a server made for that caller, so one key's access never serves another's
// request and no session outlives its request. GET (a server-initiated stream) and DELETE (ending a
// session) have nothing to do without sessions: 405, as the transport specification allows.
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { httpStatusFor, isVerityError } from "../../core/errors.js";
import { type Caller, requireScope, type ServerContext } from "../context.js";
import { errorHeaders } from "../openai/openai-error.js";
import { createMcpServer } from "./mcp-tools.js";

export function mcpRoutes(context: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      const status = isVerityError(error)
        ? httpStatusFor(error)
        : ((error as { statusCode?: number }).statusCode ?? 500);
      if (status >= 500 && !isVerityError(error)) {
        context.logger.error(
          { requestId: request.id, error: (error as Error).message },
          "MCP request failed",
        );
      }
      const code = isVerityError(error) ? error.code : status < 500 ? "E_INVALID_INPUT" : "E_INTERNAL";
      const message =
        isVerityError(error) || status < 500 ? (error as Error).message : "unexpected server error";
      return reply.code(status).headers(errorHeaders(error, status)).send({ error: { code, message } });
    });

    app.post("/mcp", async (request, reply) => {
      const caller = await readerOf(context, request);
      const server = createMcpServer(context.verity, {
        access: caller.access,
        ...(caller.keyId !== undefined ? { keyId: caller.keyId } : {}),
      });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      reply.raw.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      // Headers the server's hooks set (request id, rate limits) go out with the transport's reply.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
      reply.hijack();
      await transport.handleRequest(request.raw, reply.raw, request.body);
      return reply;
    });

    const withoutSessions = async (request: FastifyRequest, reply: FastifyReply) => {
      await readerOf(context, request);
      return reply
        .code(405)
        .header("allow", "POST")
        .send({
          error: {
            code: "E_INVALID_INPUT",
            message: "this MCP endpoint keeps no sessions: send requests with POST",
          },
        });
    };
    app.get("/mcp", withoutSessions);
    app.delete("/mcp", withoutSessions);
  };
}

async function readerOf(context: ServerContext, request: FastifyRequest): Promise<Caller> {
  // The server's auth hook may have identified the caller already; standalone, this plugin asks.
  const caller =
    (request as FastifyRequest & { caller?: Caller }).caller ??
    (await context.authenticate(request.headers.authorization));
  requireScope(caller, "read");
  return caller;
}
