// Ends a test run with one line when tests needed a system tool that is not installed: which tools,
// how many tests, and the apt-get line. When tools are required (CI=true), it also fails the run.
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { installCommand, type SystemToolName, type SystemToolsCheck } from "./system-tools.js";

export class SystemToolsReporter implements Reporter {
  private vitest: Vitest | undefined;

  constructor(private readonly check: SystemToolsCheck) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: readonly TestModule[]): void {
    const needed = new Set<SystemToolName>();
    let tests = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const wanting = this.check.missing.filter((name) => test.tags.includes(name));
        if (wanting.length === 0) continue;
        if (this.check.requiredBecause === undefined && test.result().state !== "skipped") continue;
        tests++;
        for (const name of wanting) needed.add(name);
      }
    }
    if (tests === 0) return;
    const tools = this.check.missing.filter((name) => needed.has(name));
    const line = missingToolsLine(tools, tests, this.check.requiredBecause);
    this.vitest?.logger.log(line);
    if (this.check.requiredBecause !== undefined) process.exitCode = 1;
  }
}

/** The line that ends a run in which `tests` tests needed the missing `tools`. */
export function missingToolsLine(
  tools: readonly SystemToolName[],
  tests: number,
  requiredBecause: string | undefined,
): string {
  const notInstalled = `${listed(tools)} ${tools.length === 1 ? "is" : "are"} not installed`;
  const count = `${tests} test${tests === 1 ? "" : "s"}`;
  if (requiredBecause === undefined) {
    return `Skipped ${count}: ${notInstalled}. To run them: ${installCommand(tools)}`;
  }
  const need = `${tests === 1 ? "needs" : "need"} ${tools.length === 1 ? "it" : "them"}`;
  return `Failed: ${notInstalled} (required by ${requiredBecause}) and ${count} ${need}. Install: ${installCommand(tools)}`;
}

function listed(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
