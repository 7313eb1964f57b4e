import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUploadArea } from "./upload-area.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-uploads-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A process that has exited: its pid names a server that is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid as number;
}

describe("cleaning the staging folder at start", () => {
  it("deletes what gone servers left and keeps the uploads that running replicas are receiving", async () => {
    const staging = join(dir, "uploads", ".staging");
    const running = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      const folders = {
        deadHere: `${hostname()}~${await deadPid()}~a`,
        runningHere: `${hostname()}~${running.pid}~b`,
        otherHostRecent: "other-host~123~c",
        otherHostOld: "other-host~456~d",
        unnamedOld: "0f1e2d3c-old",
      };
      for (const name of Object.values(folders)) mkdirSync(join(staging, name, "0"), { recursive: true });
      const dayAndAHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
      for (const name of [folders.otherHostOld, folders.unnamedOld]) {
        utimesSync(join(staging, name), dayAndAHourAgo, dayAndAHourAgo);
      }

      await createUploadArea(dir, 1024).cleanStaging();

      const left = (name: string) => existsSync(join(staging, name));
      expect(left(folders.deadHere)).toBe(false);
      expect(left(folders.runningHere)).toBe(true);
      expect(left(folders.otherHostRecent)).toBe(true);
      expect(left(folders.otherHostOld)).toBe(false);
      expect(left(folders.unnamedOld)).toBe(false);
    } finally {
      running.kill();
    }
  });

  it("does nothing when there is no staging folder yet", async () => {
    await expect(createUploadArea(dir, 1024).cleanStaging()).resolves.toBeUndefined();
    expect(existsSync(join(dir, "uploads", ".staging"))).toBe(false);
  });
});
