// Asking and searching. POST /api/v1/ask answers as one JSON object, or, when the client accepts
// text/event-stream (or sends `stream: true`), as Server-Sent Events: one `sentence` event per sentence
// once it has passed verification, then `done` with the whole answer (its trace, or the abstention
// and closest sources). A request refused before the first event gets an ordinary JSON error; one
// failing later ends with an `error` event. POST /api/v1/search returns passages without an answer.
import { z } from "zod";
import { answerPolicies } from "../../answer/verify/answer-policy.js";
import type { Answer } from "../../core/answer.js";
import { defaultCollection } from "../../core/defaults.js";
import type { ServerContext } from "../context.js";
import { collectionName, errorSchema, keyedErrors } from "../http/common-schemas.js";
import { disconnectSignal } from "../http/disconnect-signal.js";
import { errorReply, type LimitNames } from "../http/error-body.js";
import type { RouteTable } from "../http/route.js";
import { type EventStream, openEventStream, wantsEventStream } from "../sse/event-stream.js";
import { answerSchema, locationSchema } from "./answer-schema.js";

const question = z
  .string()
  .trim()
  .min(1, "ask something")
  .max(4000, "keep the question under 4000 characters");

const askBody = z
  .object({
    question,
    collection: collectionName.default(defaultCollection),
    limit: z.number().int().min(1).max(1000).optional().describe("Passages to retrieve"),
    model: z.string().min(1).max(64).optional().describe("A catalogue model id (default: the route's)"),
    policy: z.enum(answerPolicies).optional().describe("What happens to sentences the sources do not back"),
    history: z
      .array(z.object({ role: z.enum(["user", "assistant"]), content: z.string().max(20_000) }).strict())
      .max(50)
      .optional()
      .describe("The conversation before this question, oldest first, for follow-up questions"),
    stream: z
      .boolean()
      .default(false)
      .describe("Answer as Server-Sent Events (as Accept: text/event-stream)"),
  })
  .strict();

const searchBody = z
  .object({
    question,
    collection: collectionName.default(defaultCollection),
    limit: z.number().int().min(1).max(1000).default(10),
  })
  .strict();

const passageSchema = z.object({
  documentId: z.string(),
  source: z.string(),
  title: z.string(),
  chunkId: z.string(),
  location: locationSchema,
  text: z.string(),
  score: z.number().describe("Higher is better; comparable within one search only"),
});

const searchResultSchema = z.object({
  passages: z.array(passageSchema),
  mode: z.enum(["bm25", "hybrid"]),
  space: z.string().optional(),
  warnings: z.array(z.string()),
});

const streamDescription =
  "With Accept: text/event-stream or stream: true, Server-Sent Events: `sentence` ({ index, sentence: AnswerSentence }) for each verified sentence, then `done` (the Answer), or `error` ({ error }) if it fails mid-way";

export function addAskRoutes(routes: RouteTable, context: ServerContext, limits: LimitNames): void {
  const { verity } = context;

  routes.add({
    method: "POST",
    url: "/api/v1/ask",
    summary: "Answer a question with cited sentences, or say why not (the closest sources instead)",
    tag: "answers",
    scope: "read",
    body: askBody,
    headers: { Accept: "application/json, or text/event-stream to stream verified sentences" },
    responses: {
      200: { description: `The answer. ${streamDescription}`, schema: answerSchema },
      404: { description: "No such collection, or not one this key may read", schema: errorSchema },
      504: {
        description: "The answer took longer than server.timeouts.askMs (E_PROVIDER_TIMEOUT)",
        schema: errorSchema,
      },
      ...keyedErrors,
    },
    handler: async ({ body, caller, request, reply }) => {
      const { question: asked, stream, ...rest } = body;
      const options = {
        ...rest,
        access: caller.access,
        signal: disconnectSignal(reply),
        ...(caller.keyId !== undefined ? { apiKey: caller.keyId } : {}),
      };
      if (!stream && !wantsEventStream(request.headers.accept)) return verity.ask(asked, options);

      // The stream opens with its first event, so a refusal before it keeps its status and JSON body.
      let events: EventStream | undefined;
      const open = () => {
        if (!events) {
          reply.hijack();
          events = openEventStream(reply.raw, {
            ...(reply.getHeaders() as Record<string, string>),
            "x-request-id": request.id,
          });
        }
        return events;
      };
      let index = 0;
      let answer: Answer;
      try {
        answer = await verity.ask(asked, {
          ...options,
          onSentence: (sentence) => open().send("sentence", { index: index++, sentence }),
        });
      } catch (error) {
        if (!events) throw error;
        events.send("error", errorReply(error, limits).body);
        events.end();
        return reply;
      }
      open().send("done", answer);
      open().end();
      return reply;
    },
  });

  routes.add({
    method: "POST",
    url: "/api/v1/search",
    summary: "The passages a question retrieves, best first, with their locations; no answer",
    tag: "answers",
    scope: "read",
    body: searchBody,
    responses: {
      200: { description: "Passages", schema: searchResultSchema },
      404: { description: "No such collection, or not one this key may read", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ body, caller, reply }) =>
      verity.search(body.question, {
        collection: body.collection,
        limit: body.limit,
        access: caller.access,
        signal: disconnectSignal(reply),
      }),
  });
}
