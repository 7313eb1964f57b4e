// A real NLI classifier endpoint on loopback as Hugging Face text-embeddings-inference serves one:
// POST /predict with `{ inputs: [[premise, hypothesis]] }`, answered with one list of
// `{ label, score }` per pair. The classification is a function of the pair, so a test decides it.
//
//   const server = await startFakeNliServer(({ premise, hypothesis }) => ({ entailment: 0.9, neutral: 0.08, contradiction: 0.02 }));
//   createNliJudge({ baseUrl: server.url, timeoutMs: 1000 });
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./fake-embedding-server.js";

export interface NliPair {
  premise: string;
  hypothesis: string;
}

/** Label → score for one pair, or a raw HTTP answer (status and body) to script a failure. */
export type NliReply = Record<string, number> | { status: number; body: string };

export interface FakeNliServer {
  url: string;
  pairs: NliPair[];
  close(): Promise<void>;
}

export async function startFakeNliServer(classify: (pair: NliPair) => NliReply): Promise<FakeNliServer> {
  const pairs: NliPair[] = [];
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== "POST" || request.url !== "/predict") {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: `no route ${request.method} ${request.url}`, error_type: "NotFound" }),
      );
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { inputs: [string, string][] };
    const answers: { label: string; score: number }[][] = [];
    for (const [premise, hypothesis] of body.inputs) {
      pairs.push({ premise, hypothesis });
      const reply = classify({ premise, hypothesis });
      if ("status" in reply && "body" in reply) {
        response.writeHead(reply.status as number, { "content-type": "application/json" });
        response.end(reply.body);
        return;
      }
      answers.push(
        Object.entries(reply as Record<string, number>)
          .map(([label, score]) => ({ label, score }))
          .sort((a, b) => b.score - a.score),
      );
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(answers));
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    pairs,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
