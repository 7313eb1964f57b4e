// The fake transcription server in a process of its own, for tests that measure the memory of the
// process under test: the server's parsing of 16 MB uploads must not be counted as Verity's.
//   node --import tsx test/fakes/fake-transcription-process.ts '<segments as JSON>'
// prints `{"url": …}` once listening, then one `{"request": {…}}` line per request; SIGTERM stops it.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  type FakeSegment,
  type RecordedTranscriptionRequest,
  startFakeTranscriptionServer,
} from "./fake-transcription-server.js";

export interface FakeTranscriptionProcess {
  url: string;
  requests: RecordedTranscriptionRequest[];
  close(): Promise<void>;
}

/** Starts the server in a child process answering every upload with `segments`. */
export async function startFakeTranscriptionProcess(
  segments: FakeSegment[],
): Promise<FakeTranscriptionProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(segments)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const requests: RecordedTranscriptionRequest[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`the fake transcription process exited (${code}) before listening`)),
    );
    createInterface({ input: child.stdout }).on("line", (line) => {
      const message = JSON.parse(line) as { url?: string; request?: RecordedTranscriptionRequest };
      if (message.url) resolve(message.url);
      if (message.request) requests.push(message.request);
    });
  });
  return {
    url,
    requests,
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const segments = JSON.parse(process.argv[2] ?? "[]") as FakeSegment[];
  const server = await startFakeTranscriptionServer({
    segmentsFor: () => segments,
    onRequest: (request) => process.stdout.write(`${JSON.stringify({ request })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.once("SIGTERM", async () => {
    await server.close().then(() => process.exit(0));
  });
}
