// Runs ffmpeg or ffprobe as a child process: output read line by line as it comes, stderr kept as a
// short head and tail (so a 3-hour decode holds no log in memory), a missing binary an E_MISSING_TOOL.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { VerityError } from "../core/errors.js";

/** Where the binaries are. Each defaults to `VERITY_FFMPEG` / `VERITY_FFPROBE`, then to the `PATH`. */
export interface FfmpegTools {
  ffmpegPath?: string;
  ffprobePath?: string;
}

const installHint =
  "install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg), " +
  "or point VERITY_FFMPEG and VERITY_FFPROBE at the binaries";

export type Tool = "ffmpeg" | "ffprobe";

export function binaryOf(tool: Tool, tools: FfmpegTools): string {
  if (tool === "ffmpeg") return tools.ffmpegPath ?? process.env.VERITY_FFMPEG ?? "ffmpeg";
  return tools.ffprobePath ?? process.env.VERITY_FFPROBE ?? "ffprobe";
}

export interface ToolRun {
  tool: Tool;
  binary: string;
  args: string[];
  signal: AbortSignal | undefined;
  collectStdout?: boolean;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export interface ToolResult {
  exitCode: number | null;
  stdout: string;
  /** The last stderr lines, at most ~20 and 2 000 characters, joined. */
  stderrTail: string;
  /** The first stderr lines, at most 20. */
  stderrLines: string[];
}

const keptLines = 20;

export function runTool(run: ToolRun): Promise<ToolResult> {
  run.signal?.throwIfAborted();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(run.binary, run.args, { stdio: ["ignore", "pipe", "pipe"], signal: run.signal });
    const stdoutChunks: string[] = [];
    const firstLines: string[] = [];
    const lastLines: string[] = [];
    let failed = false;
    child.on("error", (error: NodeJS.ErrnoException) => {
      failed = true;
      if (run.signal?.aborted) {
        // Settle once the killed process is gone, so a caller removing its output races nothing.
        const running = child.pid !== undefined && child.exitCode === null && child.signalCode === null;
        if (running) child.once("close", () => reject(run.signal?.reason));
        else reject(run.signal.reason);
        return;
      }
      if (error.code === "ENOENT" || error.code === "EACCES") {
        return reject(
          new VerityError(
            "E_MISSING_TOOL",
            `${run.tool} is not installed or not executable (looked for "${run.binary}"): ${installHint}`,
            { cause: error },
          ),
        );
      }
      reject(error);
    });
    const stdoutDone = new Promise<void>((done) => {
      child.stdout.setEncoding("utf8");
      if (run.collectStdout) child.stdout.on("data", (chunk: string) => stdoutChunks.push(chunk));
      const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
      if (run.onStdoutLine) lines.on("line", run.onStdoutLine);
      lines.on("close", done);
    });
    const stderrDone = new Promise<void>((done) => {
      const lines = createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on("line", (line) => {
        run.onStderrLine?.(line);
        const trimmed = line.trim();
        if (!trimmed) return;
        if (firstLines.length < keptLines) firstLines.push(trimmed);
        lastLines.push(trimmed);
        if (lastLines.length > keptLines) lastLines.shift();
      });
      lines.on("close", done);
    });
    child.on("close", (exitCode) => {
      if (failed) return;
      Promise.all([stdoutDone, stderrDone]).then(() => {
        if (run.signal?.aborted) return reject(run.signal.reason);
        const tail = lastLines.join("; ");
        resolvePromise({
          exitCode,
          stdout: stdoutChunks.join(""),
          stderrTail: tail.length > 2000 ? `…${tail.slice(-2000)}` : tail,
          stderrLines: firstLines,
        });
      }, reject);
    });
  });
}
