import { defineConfig } from "vitest/config";
import { checkSystemTools, systemToolTags } from "./test/support/system-tools.js";
import { SystemToolsReporter } from "./test/support/system-tools-reporter.js";

// Tests that need ffmpeg, pocketsphinx or espeak-ng carry a tag named after the tool: skipped when it
// is missing (the run ends with one line saying so), failed when CI=true or VERITY_REQUIRE_SYSTEM_TOOLS=1.
const systemTools = checkSystemTools();

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "test/**/*.test.ts",
      "scripts/**/*.test.ts",
      "eval/**/*.test.ts",
      "bench/**/*.test.ts",
      "web/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    tags: systemToolTags(systemTools),
    reporters: ["default", new SystemToolsReporter(systemTools)],
  },
});
