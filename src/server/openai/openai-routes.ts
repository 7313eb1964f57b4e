// The OpenAI-compatible endpoint: any chat client or OpenAI SDK pointed at Verity's base URL (`/v1`)
// asks questions of a collection by naming it as the model, `verity/<collection>`. Replies carry
// their citations in the text (markers and a sources list) and in full in the extra `verity` field.
// Thin over the engine: it authenticates, parses, asks with the caller's access, and renders.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { Answer } from "../../core/answer.js";
import type { Collection } from "../../core/document.js";
import { type Caller, requireScope, type ServerContext } from "../context.js";
import {
  type CompletionIdentity,
  chatCompletion,
  completionChunk,
  completionIdentity,
  usageChunk,
  verityField,
} from "./chat-completion.js";
import { type ChatRequest, modelPrefix, parseChatRequest } from "./chat-request.js";
import { citedText, createCitedText } from "./cited-text.js";
import { errorHeaders, ModelNotFoundError, openAiError } from "./openai-error.js";

/** The routes as a Fastify plugin: `app.register(openAiRoutes(context))`. */
export function openAiRoutes(context: ServerContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      const { status, body } = openAiError(error);
      if (status >= 500) {
        context.logger.error(
          { requestId: request.id, error: (error as Error).message },
          "OpenAI-compatible request failed",
        );
      }
      return reply.code(status).headers(errorHeaders(error, status)).send(body);
    });

    const readerOf = async (request: FastifyRequest): Promise<Caller> => {
      // The server's auth hook may have identified the caller already; standalone, this plugin asks.
      const caller =
        (request as FastifyRequest & { caller?: Caller }).caller ??
        (await context.authenticate(request.headers.authorization));
      requireScope(caller, "read");
      return caller;
    };

    app.get("/v1/models", async (request) => {
      const caller = await readerOf(request);
      return { object: "list", data: (await context.verity.listCollections(caller.access)).map(modelOf) };
    });

    // Model ids hold a slash (`verity/handbook`), so the rest of the path is the id.
    app.get("/v1/models/*", async (request) => {
      const caller = await readerOf(request);
      const id = (request.params as { "*": string })["*"];
      return modelOf(await readableCollection(context, caller, id));
    });

    app.post("/v1/chat/completions", async (request, reply) => {
      const caller = await readerOf(request);
      const chat = parseChatRequest(request.body);
      await readableCollection(context, caller, chat.model);
      // The engine stops work (and a model call) when the client goes away.
      const controller = new AbortController();
      reply.raw.on("close", () => {
        if (!reply.raw.writableFinished) controller.abort(new Error("the client closed the connection"));
      });
      const ask = (onSentence?: (sentence: Answer["sentences"][number]) => void) =>
        context.verity.ask(chat.question, {
          collection: chat.collection,
          access: caller.access,
          history: chat.history,
          signal: controller.signal,
          ...(caller.keyId !== undefined ? { apiKey: caller.keyId } : {}),
          ...(onSentence ? { onSentence } : {}),
        });
      if (chat.stream) return streamAnswer(reply, chat, ask, { signal: controller.signal, context });
      const answer = await ask();
      const { text, sources } = citedText(answer);
      return chatCompletion(completionIdentity(chat.model), text, answer, sources);
    });
  };
}

function modelOf(collection: Collection) {
  return {
    id: `${modelPrefix}${collection.name}`,
    object: "model" as const,
    created: Math.floor(Date.parse(collection.createdAt) / 1000),
    owned_by: "verity",
  };
}

/** The collection a model names, when the caller may read it; otherwise the model does not exist. */
async function readableCollection(
  context: ServerContext,
  caller: Caller,
  model: string,
): Promise<Collection> {
  const name = model.startsWith(modelPrefix) ? model.slice(modelPrefix.length) : undefined;
  const collection =
    name === undefined
      ? undefined
      : (await context.verity.listCollections(caller.access)).find((candidate) => candidate.name === name);
  if (!collection) throw new ModelNotFoundError(model);
  return collection;
}

/**
 * The answer as server-sent events: each sentence once it has passed verification, then the sources
 * list, then a last chunk with `finish_reason` and the `verity` field, the usage when asked for, and
 * `[DONE]`. Headers go out with the first event, so a request that fails before any (an unknown
 * collection, a bad question) still gets its status and error body.
 */
async function streamAnswer(
  reply: FastifyReply,
  chat: ChatRequest,
  ask: (onSentence: (sentence: Answer["sentences"][number]) => void) => Promise<Answer>,
  { signal, context }: { signal: AbortSignal; context: ServerContext },
): Promise<FastifyReply> {
  const identity: CompletionIdentity = completionIdentity(chat.model);
  const cited = createCitedText();
  const includeUsage = chat.includeUsage;
  let opened = false;
  const send = (payload: unknown) => reply.raw.write(`data: ${JSON.stringify(payload)}\n\n`);
  const open = () => {
    if (opened) return;
    opened = true;
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    send(completionChunk(identity, { role: "assistant", content: "" }, { includeUsage }));
  };
  let answer: Answer;
  try {
    answer = await ask((sentence) => {
      open();
      send(completionChunk(identity, { content: cited.sentence(sentence) }, { includeUsage }));
    });
  } catch (error) {
    if (!opened) throw error;
    // Mid-stream, OpenAI's clients read an `error` event as the request's failure.
    if (!signal.aborted) {
      const { status, body } = openAiError(error);
      if (status >= 500) {
        context.logger.error({ error: (error as Error).message }, "OpenAI-compatible stream failed");
      }
      send({ error: body.error });
    }
    reply.raw.end();
    return reply;
  }
  open();
  const ending = cited.ending(answer);
  if (ending !== "") send(completionChunk(identity, { content: ending }, { includeUsage }));
  send(
    completionChunk(
      identity,
      {},
      { finishReason: "stop", includeUsage, verity: verityField(answer, cited.sources) },
    ),
  );
  if (includeUsage) send(usageChunk(identity, answer));
  reply.raw.end("data: [DONE]\n\n");
  return reply;
}
