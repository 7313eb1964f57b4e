// The worker thread that runs one index build (ann-build.ts) off the store's thread, so questions
// keep being answered (by the exact scan) while it runs. Posts one `{ result }` or `{ error }`.
import { parentPort, workerData } from "node:worker_threads";
import { type AnnBuildRequest, buildAnnIndex } from "./ann-build.js";

try {
  parentPort?.postMessage({ result: buildAnnIndex(workerData as AnnBuildRequest) });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
