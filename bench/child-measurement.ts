// Runs one measurement in a child process (so its peak memory is its own) and returns the JSON line it
// prints last on stdout; its stderr is passed through. Killed after `timeoutMs`.
import { spawn } from "node:child_process";

export function runMeasurement<T>(
  args: readonly string[],
  options: { cwd: string; timeoutMs: number },
): Promise<T> {
  const child = spawn(process.execPath, [...args], { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let errors = "";
  child.stdout.setEncoding("utf8").on("data", (data: string) => {
    output += data;
  });
  child.stderr.setEncoding("utf8").on("data", (data: string) => {
    errors += data;
    process.stderr.write(data);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const last = output.trim().split("\n").at(-1);
      if (code === 0 && last) {
        resolve(JSON.parse(last) as T);
        return;
      }
      const why = errors.trim().split("\n").slice(-3).join(" / ") || "no message";
      const how = signal
        ? `was stopped (${signal}, limit ${options.timeoutMs / 60000} min)`
        : `exited with code ${code}`;
      reject(new Error(`its process ${how}: ${why}`));
    });
  });
}
