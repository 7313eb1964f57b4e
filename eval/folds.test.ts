import { describe, expect, it } from "vitest";
import { foldsById } from "./folds.js";

const ids = Array.from({ length: 103 }, (_, index) => String(index * 7));

describe("foldsById", () => {
  it("gives the same folds for the same seed, whatever the order of the ids", () => {
    const first = foldsById(ids, 5, 1);
    const shuffled = foldsById([...ids].reverse(), 5, 1);
    expect([...shuffled.entries()].sort()).toEqual([...first.entries()].sort());
  });

  it("gives other folds for another seed", () => {
    const one = foldsById(ids, 5, 1);
    const two = foldsById(ids, 5, 2);
    expect(ids.some((id) => one.get(id) !== two.get(id))).toBe(true);
  });

  it("puts every id in exactly one of k folds of near-equal size", () => {
    const folds = foldsById(ids, 5, 1);
    expect(folds.size).toBe(ids.length);
    const sizes = [0, 1, 2, 3, 4].map((fold) => [...folds.values()].filter((value) => value === fold).length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(ids.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it("shuffles the ids rather than dealing them out in sorted order", () => {
    const folds = foldsById(ids, 5, 1);
    const dealt = [...ids].sort().map((id, position) => [id, position % 5]);
    expect(dealt.some(([id, fold]) => folds.get(id as string) !== fold)).toBe(true);
  });

  it("refuses fewer than two folds", () => {
    expect(() => foldsById(ids, 1, 1)).toThrow(/2 or more/);
  });
});
