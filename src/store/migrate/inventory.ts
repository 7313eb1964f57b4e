// What a store holds, for verifying a migration: counts per table and checksums (SHA-256 over every
// row that matters, in a fixed order) per collection, per embedding space and for the ledger, keys
// and jobs. The rows are made into the same tuples from either store, so equal data gives equal sums.
import { createHash, type Hash } from "node:crypto";
import type { SourceSpace } from "./source.js";

/** What a store holds, as `what → count` and `what → checksum`. */
export interface Inventory {
  counts: Record<string, number>;
  checksums: Record<string, string>;
}

/** Rows are read this many at a time, so large stores need not fit in memory. */
export const page = 2000;

export class Digest {
  private readonly hash: Hash = createHash("sha256");
  count = 0;
  add(values: readonly unknown[]): void {
    this.hash.update(`${JSON.stringify(values)}\n`);
    this.count++;
  }
  hex(): string {
    return this.hash.digest("hex");
  }
}

/** How a target space keeps its vectors, which decides the precision both sides are compared at. */
export type SpaceStorage = "float32" | "halfvec" | "binary";

export function record(inventory: Inventory, name: string, digest: Digest): void {
  inventory.counts[name] = digest.count;
  inventory.checksums[name] = digest.hex();
}

export const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** What differs between two inventories, in words; empty when they are equal. */
export function differences(source: Inventory, target: Inventory): string[] {
  const found: string[] = [];
  const names = new Set([...Object.keys(source.counts), ...Object.keys(target.counts)]);
  for (const name of [...names].sort(byteOrder)) {
    const [from, to] = [source.counts[name], target.counts[name]];
    if (from === undefined) found.push(`${name}: only in the target (${to})`);
    else if (to === undefined) found.push(`${name}: missing from the target (source has ${from})`);
    else if (from !== to) found.push(`${name}: source has ${from}, target ${to}`);
    else if (source.checksums[name] !== target.checksums[name])
      found.push(`${name}: same count (${from}), different content`);
  }
  return found;
}

export function documentTuple(row: Record<string, unknown>, groups: readonly string[]): unknown[] {
  const text = createHash("sha256").update(String(row.text)).digest("hex");
  return [
    row.id,
    row.path,
    row.source,
    row.title,
    row.media_type,
    row.content_hash,
    Number(row.size),
    text,
    row.metadata,
    row.created_at,
    row.updated_at,
    groups,
  ];
}

export const spaceName = (space: Pick<SourceSpace, "collection" | "name">) =>
  `${space.collection}/${space.name}`;

export function spaceTuple(space: SourceSpace): unknown[] {
  return [
    space.collection,
    space.name,
    space.provider,
    space.model,
    Number(space.dimensions),
    Number(space.normalised),
    space.version,
    space.quantization,
    Number(space.active),
    space.created_at,
  ];
}

export function answerTuple(row: Record<string, unknown>): unknown[] {
  return [
    Number(row.id),
    row.at,
    row.collection,
    row.api_key,
    row.status,
    row.answerer,
    Boolean(row.escalated),
    Number(row.cost_usd),
    Number(row.latency_ms),
    row.strongest_cost_usd === null ? null : Number(row.strongest_cost_usd),
    row.trace,
  ];
}

export function callTuple(row: Record<string, unknown>): unknown[] {
  const number = (value: unknown) => (value === null ? null : Number(value));
  return [
    Number(row.answer_id),
    row.model,
    row.outcome,
    number(row.input_tokens),
    number(row.output_tokens),
    Number(row.cost_usd),
    Number(row.latency_ms),
  ];
}

export function keyTuple(row: Record<string, unknown>): unknown[] {
  // Not the last use: verifying a key writes it, in whichever store it was verified in.
  return [
    row.id,
    row.name,
    Buffer.from(row.secret_sha256 as Uint8Array).toString("hex"),
    row.scopes,
    row.collections,
    row.groups,
    row.created_at,
    row.expires_at,
    row.revoked_at,
  ];
}

export function jobTuple(row: Record<string, unknown>): unknown[] {
  // Not the status: a job left running by a process that is gone is marked interrupted when either
  // store is next opened for writing.
  return [row.id, row.kind, row.collection, row.started_at];
}

export function vectorHex(values: ArrayLike<number>): string {
  return Buffer.from(Float32Array.from(values).buffer).toString("hex");
}

/** `value` rounded to IEEE half precision (nearest, ties to even), as pgvector's halfvec stores it. */
export function roundToHalf(value: number): number {
  const magnitude = Math.abs(Math.fround(value));
  if (magnitude === 0 || !Number.isFinite(magnitude)) return value;
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  const step = 2 ** (Math.max(exponent, -14) - 10);
  const scaled = magnitude / step;
  const floor = Math.floor(scaled);
  const rest = scaled - floor;
  const rounded = rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return Math.sign(value) * rounded * step;
}
