// A chat completion request as OpenAI's clients send it, parsed once into what Verity asks: which
// collection (the model `verity/<collection>`), the question (the last user message) and the
// conversation before it. Fields Verity has no use for (temperature, top_p, user…) are accepted and
// ignored, so any client works unchanged; what cannot be honoured (images, n > 1) is refused.
import { z } from "zod";
import type { ConversationTurn } from "../../answer/conversation/standalone-question.js";
import { VerityError } from "../../core/errors.js";

/** Models are collections: `verity/handbook` answers from the collection `handbook`. */
export const modelPrefix = "verity/";

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const anyPart = z.looseObject({ type: z.string() });
const messageContent = z.union([z.string(), z.array(anyPart), z.null()]).optional();

const chatRequestSchema = z.looseObject({
  model: z.string().min(1, "name a model: verity/<collection> (GET /v1/models lists them)"),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
        content: messageContent,
      }),
    )
    .min(1, "send at least one message: the user's question"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.literal(1, "Verity writes one answer per request; leave n out or set it to 1").nullish(),
});

export interface ChatRequest {
  /** The model as the client named it, echoed in the reply. */
  model: string;
  collection: string;
  question: string;
  /** The user's and assistant's messages before the question, oldest first, as plain text. */
  history: ConversationTurn[];
  stream: boolean;
  includeUsage: boolean;
}

/** A request that is not a chat completion Verity can answer: E_INVALID_INPUT naming the field. */
export class ChatRequestError extends VerityError {
  readonly param: string | null;

  constructor(message: string, param: string | null) {
    super("E_INVALID_INPUT", message);
    this.param = param;
  }
}

export function parseChatRequest(body: unknown): ChatRequest {
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue && issue.path.length > 0 ? issue.path.join(".") : null;
    throw new ChatRequestError(
      `${param ?? "the request body"}: ${issue?.message ?? "not a chat completion request"}`,
      param,
    );
  }
  const { model, messages, stream, stream_options } = parsed.data;
  const turns = messages.map((message, index) => ({
    role: message.role,
    text: textOf(message.content, `messages.${index}.content`),
  }));
  const last = turns.at(-1);
  if (last?.role !== "user" || last.text.trim() === "") {
    throw new ChatRequestError(
      "the last message must be the user's question, as text",
      `messages.${messages.length - 1}`,
    );
  }
  const history = turns
    .slice(0, -1)
    .filter(
      (turn): turn is { role: "user" | "assistant"; text: string } =>
        turn.role === "user" || turn.role === "assistant",
    )
    .map((turn) => ({
      role: turn.role,
      content: turn.role === "assistant" ? withoutCitations(turn.text) : turn.text,
    }))
    .filter((turn) => turn.content.trim() !== "");
  return {
    model,
    collection: model.startsWith(modelPrefix) ? model.slice(modelPrefix.length) : "",
    question: last.text,
    history,
    stream: stream ?? false,
    includeUsage: stream_options?.include_usage ?? false,
  };
}

/** A message's text: a string, or its text parts joined; anything else (images, audio) is refused. */
function textOf(content: z.infer<typeof messageContent>, param: string): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part, index) => {
      const text = textPart.safeParse(part);
      if (!text.success) {
        throw new ChatRequestError(
          `${param}.${index}: Verity answers from text; "${part.type}" content is not supported`,
          `${param}.${index}`,
        );
      }
      return text.data.text;
    })
    .join("\n");
}

/**
 * An earlier reply of Verity's as a chat client sends it back: without its markers and sources list,
 * which only repeat file names, so the conversation reads as what was said.
 */
export function withoutCitations(reply: string): string {
  const cut = reply.search(/\n\n(?:Sources|Closest sources):\n/u);
  return (cut >= 0 ? reply.slice(0, cut) : reply).replace(/ ?(?:\[\d+\])+/gu, "").trim();
}
