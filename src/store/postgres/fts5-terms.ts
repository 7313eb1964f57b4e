// The SQLite store's index terms, made in JavaScript: FTS5's `unicode61 remove_diacritics 2`
// tokenizer followed by its `porter` stemmer, ported rule for rule (sqlite3.c: fts5UnicodeTokenize,
// sqlite3Fts5UnicodeFold, fts5PorterCb), so the Postgres store counts the same terms in the same
// chunks and its BM25 scores equal SQLite's.
import { stemmer } from "stemmer";
import { remembered } from "../../core/remembered.js";
import {
  diacriticBases,
  diacriticKeys,
  foldOffsets,
  foldRules,
  tokenCharacterBounds,
} from "./fts5-tables.js";

/** FTS5's porter stemmer passes longer tokens (in UTF-8 bytes) through unchanged. */
const maxStemmedBytes = 64;
const encoder = new TextEncoder();

function isTokenCharacter(code: number): boolean {
  if (code < 0x80) {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  }
  if (code >= 1 << 20) return true; // SQLite's category lookup stops there: category 0, a token character
  let low = 0;
  let high = tokenCharacterBounds.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((tokenCharacterBounds[middle] as number) <= code) low = middle + 1;
    else high = middle;
  }
  return low % 2 === 1;
}

/** Combining marks FTS5 lets continue a token (and then drops, removing diacritics). */
function isDiacritic(code: number): boolean {
  if (code < 768 || code > 817) return false;
  return code < 800 ? ((0x08029fdf >>> (code - 768)) & 1) === 1 : ((0x000361f8 >>> (code - 800)) & 1) === 1;
}

function removeDiacritic(code: number): number {
  const key = (code << 3) | 7;
  let result = 0;
  let low = 0;
  let high = diacriticKeys.length - 1;
  while (high >= low) {
    const middle = (low + high) >> 1;
    if (key >= (diacriticKeys[middle] as number)) {
      result = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  const entry = diacriticKeys[result] as number;
  const base = diacriticBases[result] as number;
  return code > (entry >> 3) + (entry & 7) ? code : base & 0x7f;
}

/** sqlite3Fts5UnicodeFold with remove_diacritics 2: lower case, diacritics removed; 0 drops the character. */
function foldCodePoint(code: number): number {
  if (code < 128) return code >= 65 && code <= 90 ? code + 32 : code;
  if (code < 65536) {
    let result = -1;
    let low = 0;
    let high = foldRules.length / 3 - 1;
    while (high >= low) {
      const middle = (low + high) >> 1;
      if (code - (foldRules[middle * 3] as number) >= 0) {
        result = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    let folded = code;
    const start = foldRules[result * 3] as number;
    const flags = foldRules[result * 3 + 1] as number;
    const range = foldRules[result * 3 + 2] as number;
    if (code < start + range && (1 & flags & (start ^ code)) === 0) {
      folded = (code + (foldOffsets[flags >> 1] as number)) & 0xffff;
    }
    return removeDiacritic(folded);
  }
  if (code >= 66560 && code < 66600) return code + 40;
  return code;
}

/** Tokens as FTS5's unicode61 tokenizer (remove_diacritics 2) makes them, before stemming. */
export function unicode61Tokens(text: string): string[] {
  // ASCII text (most of it): words are runs of letters and digits, folded to lower case.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range itself
  if (/^[\u0000-\u007f]*$/.test(text))
    return (text.match(/[A-Za-z0-9]+/g) ?? []).map((token) => token.toLowerCase());
  const tokens: string[] = [];
  let current: number[] | undefined;
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (current === undefined) {
      if (!isTokenCharacter(code)) continue;
      current = [];
    } else if (!isTokenCharacter(code) && !(code >= 0x80 && isDiacritic(code))) {
      tokens.push(String.fromCodePoint(...current));
      current = undefined;
      continue;
    }
    const folded = foldCodePoint(code);
    if (folded !== 0) current.push(folded);
  }
  if (current !== undefined) tokens.push(String.fromCodePoint(...current));
  return tokens;
}

// FTS5's stemmer works on UTF-8 bytes, as consonants when not ASCII. The stemmer package works on
// characters: each byte of a non-ASCII letter is handed over as one private-use character, which it
// also takes for a consonant, and turned back into bytes afterwards.
const byteBase = 0xe000;
const decoder = new TextDecoder();

/** A token as FTS5's porter tokenizer indexes it. */
export function porterStem(token: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range itself
  const ascii = /^[\u0000-\u007f]*$/.test(token);
  const bytes = ascii ? undefined : encoder.encode(token);
  const length = bytes ? bytes.length : token.length;
  if (length > maxStemmedBytes || length < 3) return token;
  if (!bytes) return stemmer(token);
  const stemmed = stemmer(
    String.fromCharCode(...[...bytes].map((byte) => (byte < 0x80 ? byte : byteBase + byte))),
  );
  const out = Uint8Array.from(
    [...stemmed].map((character) => {
      const code = character.charCodeAt(0);
      return code >= byteBase ? code - byteBase : code;
    }),
  );
  return decoder.decode(out);
}

// Words repeat (a few thousand make most of any text), and stemming is most of the work of indexing.
const cachedStem = remembered(porterStem, 100_000);

/** The index terms of a text, in order, as the SQLite store's FTS5 index holds them. */
export function indexTerms(text: string): string[] {
  return unicode61Tokens(text).map(cachedStem);
}
