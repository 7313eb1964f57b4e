import { describe, expect, it } from "vitest";
import { quotedRuns } from "./quote-match";

describe("finding a quote among a PDF page's text runs", () => {
  const runs = [
    "Annual report 2026",
    "Refunds are paid within 30",
    "days of a cancellation",
    "request. Other text.",
  ];

  it("marks every run the quote covers, across lines and spacing", () => {
    expect(quotedRuns(runs, "Refunds are paid within 30 days of a   cancellation request.")).toEqual([
      1, 2, 3,
    ]);
  });

  it("finds a quote that starts and ends inside runs", () => {
    expect(quotedRuns(runs, "within 30 days")).toEqual([1, 2]);
  });

  it("falls back to the runs inside the quote when the whole is not on the page", () => {
    expect(quotedRuns(runs, "days of a cancellation and more words from the next page")).toEqual([2]);
    expect(quotedRuns(runs, "")).toEqual([]);
  });
});
