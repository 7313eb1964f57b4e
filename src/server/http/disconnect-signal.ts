// An AbortSignal that fires when the client goes away before its response is complete, so an answer
// (and the model call behind it) stops when nobody is waiting. Fastify's `request.signal` cannot be
// used for this on Node 20: the request's `close` fires once its body has been read.
import type { FastifyReply } from "fastify";

export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) {
      controller.abort(new DOMException("the client disconnected", "AbortError"));
    }
  });
  return controller.signal;
}
