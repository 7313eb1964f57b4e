// A fake model for the web app's tests: it answers the generative answerer's prompt by quoting the source
// sentence that shares most words with the question, cited by its number, and declines (the prompt's
// marker) when no sentence shares enough of them; asked to rewrite a follow-up (the app sends the
// conversation), it returns the question as it was asked. Its quotes are verbatim, so the verifier supports
// them; streamed a few characters at a time, so the app shows sentences as they arrive.
import { declineMarker } from "../../src/answer/generative/prompt.js";
import type { ModelCatalogue } from "../../src/models/catalogue.js";
import { parseModelCatalogue } from "../../src/models/catalogue.js";
import { type ChatReply, type FakeChatServer, startFakeChatServer } from "../fakes/fake-chat-server.js";

const ignored = new Set(
  "what which when where who whom whose why how does did do is are was were the a an of for to in on at by with and or my our your their its it this that these those can could would should will much many each any some from into about there have has had be been".split(
    " ",
  ),
);

/** The words of `text` a question is about: lower case, without punctuation or function words. */
function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}$]+/gu) ?? []).filter(
    (word) => word.length > 1 && !ignored.has(word),
  );
}

/** Whether `word` is in `sentenceWords`, allowing an ending (cost ~ costs, encrypt ~ encrypted). */
function mentions(sentenceWords: readonly string[], word: string): boolean {
  const stem = word.length > 4 ? word.slice(0, -1) : word;
  return sentenceWords.some((candidate) => candidate === word || candidate.startsWith(stem));
}

interface Quote {
  source: number;
  sentence: string;
  score: number;
}

/** The reply to a prompt of sources and a question: up to `sentences` quotes from different sources, or the decline marker. */
export function quoteReply(prompt: string, sentences = 2): string {
  const followUp = /<question>\n([\s\S]*?)\n<\/question>\s*$/u.exec(prompt)?.[1];
  if (followUp !== undefined) return followUp.trim();
  const question = /\nQuestion: ([\s\S]*)$/u.exec(prompt)?.[1]?.trim() ?? "";
  const asked = [...new Set(contentWords(question))];
  const quotes: Quote[] = [];
  for (const match of prompt.matchAll(/<source id="(\d+)"[^>]*>\n([\s\S]*?)\n<\/source>/gu)) {
    const source = Number(match[1]);
    // Sentences end with a stop; a blank line ends a heading; a single line break is a wrapped line.
    for (const part of (match[2] ?? "").split(/(?<=[.!?])\s+|\n{2,}/u)) {
      const sentence = part.replace(/\s+/gu, " ").trim();
      const words = contentWords(sentence);
      const score = asked.filter((word) => mentions(words, word)).length;
      // A transcript has no stops: a run of words is a sentence too; a heading (no stop, few words) is not.
      if (/[.!?]$/u.test(sentence) || sentence.split(" ").length >= 8)
        quotes.push({ source, sentence, score });
    }
  }
  const best = Math.max(0, ...quotes.map((quote) => quote.score));
  // A quote must share half the question's words, and a second one nearly as many as the first.
  const enough = Math.max(2, Math.ceil(asked.length / 2), Math.ceil(best * 0.75));
  const chosen: Quote[] = [];
  for (const quote of quotes
    .filter((candidate) => candidate.score >= enough)
    .sort((a, b) => b.score - a.score)) {
    if (chosen.length >= sentences) break;
    if (chosen.some((taken) => taken.source === quote.source || taken.sentence === quote.sentence)) continue;
    chosen.push(quote);
  }
  if (chosen.length === 0) return declineMarker;
  return chosen.map((quote) => `${quote.sentence.replace(/[.!?]$/u, "")} [${quote.source}].`).join(" ");
}

export interface QuotingModel {
  server: FakeChatServer;
  catalogue: ModelCatalogue;
  /** The catalogue as the config file's `models` section would hold it. */
  catalogueJson: Record<string, unknown>;
}

/**
 * The quoting model on a fake OpenAI-compatible server, streamed `chunkSize` characters every
 * `chunkDelayMs`, as the only model of a fixed route (each sentence goes out once verified).
 */
export async function startQuotingModel(
  options: {
    chunkSize?: number;
    chunkDelayMs?: number;
    reply?: (prompt: string) => ChatReply | undefined;
  } = {},
): Promise<QuotingModel> {
  const server = await startFakeChatServer(
    ({ prompt }) =>
      options.reply?.(prompt) ?? {
        content: quoteReply(prompt),
        chunkSize: options.chunkSize ?? 8,
        chunkDelayMs: options.chunkDelayMs ?? 15,
      },
  );
  const catalogueJson = {
    routing: { policy: "fixed" },
    models: [
      {
        id: "quoting",
        provider: "openai-compatible",
        model: "quoting",
        baseUrl: `${server.url}/v1`,
        contextWindow: 8192,
        tier: "small",
        local: true,
        maxRetries: 0,
        price: { input: 0.15, output: 0.6 },
      },
    ],
  };
  return { server, catalogue: parseModelCatalogue(catalogueJson), catalogueJson };
}
