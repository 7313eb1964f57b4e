import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv.js";

const fieldsOf = (text: string) => parseCsv(text).map((record) => record.fields);

describe("parseCsv", () => {
  it("splits plain records on commas and line ends", () => {
    expect(fieldsOf("prompt,weak,strong\nhello,True,False\n")).toEqual([
      ["prompt", "weak", "strong"],
      ["hello", "True", "False"],
    ]);
  });

  it("keeps commas, line breaks and doubled quotes inside a quoted field", () => {
    const text = 'prompt,a,b\n"A ""dished face"", then\nA. one, two\nAnswer:",True,False\n';
    expect(fieldsOf(text)).toEqual([
      ["prompt", "a", "b"],
      ['A "dished face", then\nA. one, two\nAnswer:', "True", "False"],
    ]);
  });

  it("reads CRLF line ends, a missing final line end and a byte-order mark", () => {
    expect(fieldsOf('\ufeffx,y\r\n"1\r\n2",3')).toEqual([
      ["x", "y"],
      ["1\r\n2", "3"],
    ]);
  });

  it("keeps empty fields, quoted or not, and skips empty lines", () => {
    expect(fieldsOf('a,,""\n\n"",b\n')).toEqual([
      ["a", "", ""],
      ["", "b"],
    ]);
  });

  it("gives each record the line it starts on, counting line breaks inside quoted fields", () => {
    const records = parseCsv('h1,h2\n"two\nlines",x\n\nlast,y\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 5]);
  });

  it("names the line of a quoted field that is never closed", () => {
    expect(() => parseCsv('a,b\n"open,True\nmore', "data.csv")).toThrow(/data\.csv: line 2: .*never closed/);
  });

  it("rejects text right after a closing quote, which means a quote was not doubled", () => {
    expect(() => parseCsv('a\n"say "hi" now"', "data.csv")).toThrow(/data\.csv: line 2: "h" right after/);
  });
});
