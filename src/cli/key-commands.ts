// `verity keys`: API keys for the HTTP API and MCP (create, list, revoke), and the parser for
// `ingest --group-rule`, the command line's way of giving files access groups.
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Verity } from "../engine.js";
import type { GroupRule } from "../ingest/group-rules.js";
import type { ApiKey } from "../store/api-keys.js";
import { collect } from "./arguments.js";
import type { CliIo } from "./cli-io.js";
import { terminalLine } from "./terminal-text.js";

interface KeyCommandContext {
  open(): Promise<Verity>;
  write(line: string): void;
  io: CliIo;
}

/** `--group-rule 'hr/**=hr,finance'`: files matching the glob (relative to the folder named) get these groups. */
export function collectGroupRule(value: string, previous: GroupRule[] = []): GroupRule[] {
  const separator = value.lastIndexOf("=");
  const match = separator > 0 ? value.slice(0, separator).trim() : "";
  const groups =
    separator > 0
      ? value
          .slice(separator + 1)
          .split(",")
          .map((group) => group.trim())
      : [];
  if (!match || groups.length === 0 || groups.some((group) => group === "")) {
    throw new InvalidArgumentError("expected <glob>=<group>[,<group>...], e.g. 'hr/**=hr'");
  }
  return [...previous, { match, groups }];
}

const listOrAll = (values: readonly string[] | undefined): string[] | "*" | undefined =>
  values === undefined ? undefined : values.includes("*") ? "*" : [...values];

const shown = (values: readonly string[] | "*") =>
  values === "*" ? "all" : values.length === 0 ? "none" : values.map(terminalLine).join(",");

function formatKey(key: ApiKey): string {
  const state = key.revokedAt
    ? `revoked ${key.revokedAt}`
    : key.expiresAt && Date.parse(key.expiresAt) <= Date.now()
      ? `expired ${key.expiresAt}`
      : key.expiresAt
        ? `expires ${key.expiresAt}`
        : "no expiry";
  return `${key.id}  ${terminalLine(key.name)}  scopes ${key.scopes.join(",")}  collections ${shown(key.collections)}  groups ${shown(key.groups)}  ${state}  last used ${key.lastUsedAt ?? "never"}`;
}

export function addKeyCommands(program: Command, context: KeyCommandContext): void {
  const keys = program.command("keys").description("API keys for the HTTP API and MCP: create, list, revoke");

  keys
    .command("create")
    .description("create an API key; it is printed once and cannot be shown again")
    .requiredOption("--name <name>", "who or what uses the key")
    .addOption(
      new Option("--scope <scope>", "what it may do: read, write or admin (repeatable)")
        .argParser(collect)
        .makeOptionMandatory(),
    )
    .option("--collection <name>", "a collection it may read (repeatable; default all)", collect)
    .option(
      "--group <group>",
      "an access group it belongs to (repeatable; '*' for every group; default none: only documents without groups)",
      collect,
    )
    .option(
      "--expires <when>",
      "when it stops working: an ISO 8601 date or time, or a duration such as 30d, 12h",
    )
    .option("--json", "print the key and its details as one JSON object")
    .action(async (options) => {
      const verity = await context.open();
      const collections = listOrAll(options.collection);
      const groups = listOrAll(options.group);
      const created = await verity.keys.create({
        name: options.name,
        scopes: options.scope,
        ...(collections !== undefined ? { collections } : {}),
        ...(groups !== undefined ? { groups } : {}),
        ...(options.expires !== undefined ? { expires: options.expires } : {}),
      });
      if (options.json) {
        context.write(JSON.stringify({ ...created.key, key: created.secret }));
        return;
      }
      context.write(created.secret);
      context.io.stderr.write(
        `Created API key ${created.key.id} ("${terminalLine(created.key.name)}"). Copy it now: it will not be shown again (Verity keeps only its hash).\n`,
      );
    });

  keys
    .command("list")
    .description("list API keys (never their secrets)")
    .option("--json", "print JSON")
    .action(async (options) => {
      const list = await (await context.open()).keys.list();
      if (options.json) context.write(JSON.stringify(list));
      else
        context.write(
          list.length === 0
            ? "No API keys. Create one with: verity keys create"
            : list.map(formatKey).join("\n"),
        );
    });

  keys
    .command("revoke")
    .description("revoke an API key by id; requests with it are refused from then on")
    .argument("<id>", "the key's id (see verity keys list)")
    .action(async (id: string) => {
      const key = await (await context.open()).keys.revoke(id);
      context.write(`revoked ${key.id} ("${terminalLine(key.name)}")`);
    });
}
