// Shared by the reliability tests: a manual clock that fires timers only when told, and a real model
// call over the wire (the AI SDK against the fake OpenAI-compatible chat server), SDK retries off.
import { streamText } from "ai";
import {
  type ChatReply,
  type FakeChatServer,
  startFakeChatServer,
} from "../../../test/fakes/fake-chat-server.js";
import { providerError } from "../../answer/generative/provider-errors.js";
import { type ModelEntry, parseModelCatalogue } from "../../models/catalogue.js";
import { createLanguageModel } from "../../models/language-model.js";

export interface ManualClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: unknown): void;
  /** Resolves when the clock has been advanced `ms`, or rejects with the signal's reason. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Moves time forward, firing due timers in order and letting promises settle after each. */
  advance(ms: number): Promise<void>;
  /** Timers not yet fired. */
  pending(): number;
}

/** Lets every queued promise callback run (setImmediate comes after the microtask queue). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createManualClock(start = 0): ManualClock {
  let time = start;
  let lastId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock: ManualClock = {
    now: () => time,
    setTimeout(callback, ms) {
      lastId++;
      timers.set(lastId, { at: time + Math.max(0, ms), callback });
      return lastId;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          clock.clearTimeout(id);
          reject(signal?.reason);
        };
        const id = clock.setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    async advance(ms) {
      const until = time + ms;
      for (;;) {
        await settle();
        let due: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers) {
          if (entry[1].at <= until && (due === undefined || entry[1].at < due[1].at)) due = entry;
        }
        if (!due) break;
        timers.delete(due[0]);
        time = due[1].at;
        due[1].callback();
      }
      time = until;
      await settle();
    },
    pending: () => timers.size,
  };
  return clock;
}

/** A catalogue entry for a model served by `server`, with the SDK's own retries off. */
export function fakeModel(server: FakeChatServer, id = "fake"): ModelEntry {
  const catalogue = parseModelCatalogue({
    models: [
      {
        id,
        provider: "openai-compatible",
        model: `${id}-model`,
        baseUrl: `${server.url}/v1`,
        contextWindow: 8192,
        tier: "small",
        local: true,
        timeoutMs: 5_000,
        maxRetries: 0,
      },
    ],
  });
  return catalogue.models[0] as ModelEntry;
}

export async function startFakeModel(
  reply: (index: number) => ChatReply,
  id?: string,
): Promise<{ server: FakeChatServer; model: ModelEntry }> {
  const server = await startFakeChatServer(({ index }) => reply(index));
  return { server, model: fakeModel(server, id) };
}

/** Streams one answer from `model`, failing as the generative answerer does (a VerityError). */
export async function askModel(
  model: ModelEntry,
  call: { signal?: AbortSignal; onFirstToken?: () => void } = {},
): Promise<string> {
  const result = streamText({
    model: createLanguageModel(model, {}),
    prompt: "Say something.",
    maxRetries: 0,
    abortSignal: call.signal,
    onError: () => {},
  });
  let text = "";
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") {
      if (text === "") call.onFirstToken?.();
      text += part.text;
    } else if (part.type === "error") {
      throw providerError(model, part.error, false);
    } else if (part.type === "abort") {
      throw call.signal?.reason ?? new DOMException("aborted", "AbortError");
    }
  }
  return text;
}
