import { describe, expect, it } from "vitest";
import { remembered } from "./remembered.js";

describe("remembered", () => {
  it("computes a key once while it is held, undefined results too", () => {
    const calls: string[] = [];
    const lookup = remembered((key: string) => {
      calls.push(key);
      return key === "none" ? undefined : key.length;
    }, 10);
    expect([lookup("ab"), lookup("ab"), lookup("none"), lookup("none")]).toEqual([
      2,
      2,
      undefined,
      undefined,
    ]);
    expect(calls).toEqual(["ab", "none"]);
  });

  it("starts over past its bound instead of growing", () => {
    const calls: number[] = [];
    const lookup = remembered((key: number) => {
      calls.push(key);
      return key * 2;
    }, 2);
    for (const key of [1, 2, 3, 1]) lookup(key);
    // 3 cleared the memory (1 and 2 gone), so 1 is computed again.
    expect(calls).toEqual([1, 2, 3, 1]);
  });
});
