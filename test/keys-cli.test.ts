// `verity keys` on the command line, in-process: the key is printed once, lists never show secrets,
// bad input names the flag that fixes it. Then real processes creating and revoking keys while
// questions run on the same data dir.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import { createVerity } from "../src/engine.js";
import { Capture } from "./support/capture.js";
import { type CliRun, runCliProcess } from "./support/cli-process.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-keys-cli-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(join(dir, "docs", "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], dataDir = join(dir, "data")) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(["--data-dir", dataDir, ...args], { stdout, stderr, env: {}, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("verity keys", () => {
  it("creates a key, prints it once on stdout and says on stderr it will not be shown again", async () => {
    const created = await cli([
      "keys",
      "create",
      "--name",
      "hr portal",
      "--scope",
      "read",
      "--scope",
      "write",
      "--group",
      "hr",
      "--collection",
      "handbook",
      "--expires",
      "30d",
    ]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^vty_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/u);
    expect(created.stderr).toMatch(/will not be shown again/u);
    const listed = await cli(["keys", "list"]);
    expect(listed.stdout).toContain("hr portal");
    expect(listed.stdout).toContain("scopes read,write  collections handbook  groups hr  expires");
    expect(listed.stdout).not.toContain(key.slice(22));
  });

  it("prints the key and its details as one JSON object with --json, and lists keys as JSON without secrets", async () => {
    const created = JSON.parse(
      (await cli(["keys", "create", "--name", "ci", "--scope", "admin", "--json"])).stdout,
    );
    expect(created).toMatchObject({ name: "ci", scopes: ["admin"], collections: "*", groups: [] });
    expect(created.key).toMatch(/^vty_/u);
    const listed = (await cli(["keys", "list", "--json"])).stdout;
    expect(JSON.parse(listed).some((entry: { id: string }) => entry.id === created.id)).toBe(true);
    // The secret is everything after the id; it may hold "_" itself (base64url).
    const secret = /^vty_[a-z0-9]{16}_(.{43})$/u.exec(created.key)?.[1];
    expect(secret).toHaveLength(43);
    expect(listed).not.toContain(secret);
  });

  it("reads every group with --group '*'", async () => {
    const created = JSON.parse(
      (await cli(["keys", "create", "--name", "auditor", "--scope", "read", "--group", "*", "--json"]))
        .stdout,
    );
    expect(created.groups).toBe("*");
  });

  it("revokes a key by id", async () => {
    const created = JSON.parse(
      (await cli(["keys", "create", "--name", "old", "--scope", "read", "--json"])).stdout,
    );
    const revoked = await cli(["keys", "revoke", created.id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${created.id} ("old")\n` });
    const missing = await cli(["keys", "revoke", "nope"]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("E_NOT_FOUND");
  });

  it("refuses an unknown scope, a bad expiry and an empty name, naming the flag where there is one", async () => {
    const scope = await cli(["keys", "create", "--name", "a", "--scope", "delete"]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/unknown scope "delete".*--scope <scope>/u);
    const expiry = await cli(["keys", "create", "--name", "a", "--scope", "read", "--expires", "soon"]);
    expect(expiry.code).toBe(2);
    expect(expiry.stderr).toMatch(/cannot read the expiry "soon".*--expires <when>/u);
    const name = await cli(["keys", "create", "--name", "", "--scope", "read"]);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain("name is empty");
    const noScope = await cli(["keys", "create", "--name", "a"]);
    expect(noScope.code).toBe(2);
    expect(noScope.stderr).toContain("--scope");
  });
});

describe("keys and questions from many processes on one data dir", () => {
  const failures = (runs: readonly CliRun[]) =>
    runs.filter((run) => run.code !== 0).map((run) => `exit ${run.code}: ${run.stderr.slice(0, 400)}`);

  it("creates and revokes keys while questions run, leaving every key as its process left it", async () => {
    const dataDir = join(dir, "shared");
    expect((await cli(["ingest", join(dir, "docs")], dataDir)).code).toBe(0);
    const setup = createVerity({ dataDir });
    const toRevoke = await Promise.all(
      ["r1", "r2", "r3"].map((name) => setup.keys.create({ name, scopes: ["read"] })),
    );
    await setup.close();

    const run = (args: string[]) => runCliProcess(["--data-dir", dataDir, ...args]);
    const creates = Array.from({ length: 5 }, (_, index) =>
      run(["keys", "create", "--name", `k${index}`, "--scope", "read", "--json"]),
    );
    const revokes = toRevoke.map((created) => run(["keys", "revoke", created.key.id]));
    const questions = Array.from({ length: 6 }, () =>
      run(["ask", "How many vacation days do new staff get?", "--json"]),
    );
    const [created, revoked, asked] = await Promise.all([
      Promise.all(creates),
      Promise.all(revokes),
      Promise.all(questions),
    ]);
    expect(failures([...created, ...revoked, ...asked])).toEqual([]);

    const after = createVerity({ dataDir });
    try {
      for (const output of created) {
        const key = JSON.parse(output.stdout) as { key: string };
        expect((await after.keys.verify(key.key)).status).toBe("valid");
      }
      for (const old of toRevoke) expect((await after.keys.verify(old.secret)).status).toBe("revoked");
      expect(await after.keys.list()).toHaveLength(8);
      expect((await after.stats()).answers.answers).toBe(6);
    } finally {
      await after.close();
    }
  });
});
