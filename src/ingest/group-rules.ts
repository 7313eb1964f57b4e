// Which access groups an ingested file's documents get: the groups given for the whole ingestion,
// and those of every rule whose glob matches the file's path relative to a folder named (as include
// and exclude globs are). A file named on its own matches no rule.
import { realpath, stat } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import picomatch from "picomatch";
import { accessGroups } from "../core/document.js";
import { VerityError } from "../core/errors.js";

export interface GroupRule {
  /** A glob relative to the folder named, e.g. `hr/**` or `**\/*.salary.md`. */
  match: string;
  /** Groups the matching files' documents get, besides the ingestion's own `groups`. */
  groups: readonly string[];
}

/** The groups of each file, by its real path. */
export type GroupsOf = (path: string) => string[];

/** Checks the groups and rules given, and says which groups each file gets under the folders `paths`. */
export async function createGroupsOf(
  paths: readonly string[],
  options: { groups?: readonly string[]; groupRules?: readonly GroupRule[] },
): Promise<GroupsOf> {
  const base = accessGroups(options.groups ?? [], "groups");
  const rules = (options.groupRules ?? []).map((rule, index) => {
    if (typeof rule?.match !== "string" || rule.match.trim() === "") {
      throw new VerityError(
        "E_INVALID_INPUT",
        `group rule ${index + 1} has no glob to match; give each rule a 'match' such as "hr/**"`,
        { option: "groupRules" },
      );
    }
    const groups = accessGroups(rule.groups ?? [], "groupRules");
    if (groups.length === 0) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `group rule ${index + 1} (${JSON.stringify(rule.match)}) names no group; give it at least one`,
        { option: "groupRules" },
      );
    }
    return { matches: picomatch(rule.match, { dot: true }), groups };
  });
  if (rules.length === 0) return () => base;
  const folders = (
    await Promise.all(
      paths.map(async (path) => {
        const real = await realpath(resolve(path)).catch(() => resolve(path));
        const info = await stat(real).catch(() => undefined);
        return info?.isDirectory() ? real : undefined;
      }),
    )
  ).filter((folder): folder is string => folder !== undefined);
  return (path) => {
    const found = new Set(base);
    for (const folder of folders) {
      if (!path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`)) continue;
      const relativePath = relative(folder, path);
      for (const rule of rules)
        if (rule.matches(relativePath)) for (const group of rule.groups) found.add(group);
    }
    return [...found].sort();
  };
}
