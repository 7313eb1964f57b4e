// Parsers for command-line option values: each rejects bad input with a message commander prints.
import { InvalidArgumentError } from "commander";

// Safe integers only: past 2^53 (e.g. "1e30") a number is no longer exact, so no count can mean it.
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new InvalidArgumentError("expected a positive whole number");
  return number;
}

export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0)
    throw new InvalidArgumentError("expected a whole number >= 0");
  return number;
}

export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError("expected a positive number");
  return number;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
