import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { tokenCharacterBounds } from "./fts5-tables.js";
import { indexTerms } from "./fts5-terms.js";

/** The terms SQLite's FTS5 index (porter unicode61 remove_diacritics 2, as the SQLite store) holds for each text. */
function sqliteTerms(
  texts: readonly string[],
  tokenizer = "porter unicode61 remove_diacritics 2",
): string[][] {
  const db = new Database(":memory:");
  try {
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize = '${tokenizer}');
             CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`);
    const insert = db.prepare("INSERT INTO t (rowid, body) VALUES (?, ?)");
    for (const [index, text] of texts.entries()) insert.run(index + 1, text);
    const terms: string[][] = texts.map(() => []);
    // One pass: the vocabulary table cannot look up one document without scanning them all.
    const rows = db.prepare<[], { term: string; doc: number; offset: number }>(
      "SELECT term, doc, offset FROM v",
    );
    for (const row of rows.iterate()) (terms[row.doc - 1] as string[])[row.offset] = row.term;
    return terms;
  } finally {
    db.close();
  }
}

describe("FTS5's index terms in JavaScript", () => {
  it("splits, folds and stems text exactly as the SQLite index does", () => {
    const texts = [
      "Hello, World! Running runners ran quickly; the generalizations of relational databases.",
      "naïve café résumé Ærøskøbing straße İstanbul ΑΘΗΝΑ Москва ǖber ŉ ﬁle ＡＢＣ ĳsselmeer",
      "北京大学 東京タワー 서울 🤔 emoji 👍🏽 e\u0301cole o'neil it’s 1990s covid-19 3.14 $100 a_b",
      "caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping",
      "tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci",
      "digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism",
      "decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize",
      "electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable",
      "defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti",
      "homologous effective bowdlerize probate rate cease controll roll generously mediaeval",
      `${"x".repeat(70)}ing ${"é".repeat(40)}ing ab abs Ünïcödé ßs`,
    ];
    expect(texts.map(indexTerms)).toEqual(sqliteTerms(texts));
  });

  // SQLite's Unicode tables decide which characters are part of words; the table in fts5-tables.ts is
  // taken from SQLite itself. Run with VERITY_PRINT_FTS5_TABLE=1 to print a new one after an upgrade.
  it("knows every code point SQLite counts as part of a word", { timeout: 60_000 }, () => {
    const texts: string[] = [];
    const block = 4096;
    for (let start = 0x80; start < 0x110000; start += block) {
      const words: string[] = [];
      for (let code = start; code < Math.min(start + block, 0x110000); code++) {
        words.push(code >= 0xd800 && code < 0xe000 ? "x" : `x${String.fromCodePoint(code)}`);
      }
      texts.push(words.join(" "));
    }
    const bounds: number[] = [];
    let inWord = false;
    sqliteTerms(texts, "unicode61 remove_diacritics 2").forEach((terms, index) => {
      terms.forEach((term, offset) => {
        const code = 0x80 + index * block + offset;
        const wordCharacter = term !== "x";
        if (wordCharacter !== inWord) {
          bounds.push(code);
          inWord = wordCharacter;
        }
      });
    });
    if (process.env.VERITY_PRINT_FTS5_TABLE) console.log(JSON.stringify(bounds));
    expect(bounds).toEqual(tokenCharacterBounds);
  });
});
