// Digits written out the way an English speaker reads them, so "1,200" in a reference and "one thousand
// two hundred" in a transcript count as the same words when scoring speech recognition.

const small = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const scales = ["", "thousand", "million", "billion", "trillion", "quadrillion"];
const irregularOrdinals: Record<string, string> = {
  one: "first",
  two: "second",
  three: "third",
  five: "fifth",
  eight: "eighth",
  nine: "ninth",
  twelve: "twelfth",
};

/** Digits one by one: "007" → "zero zero seven". */
export function digitWords(digits: string): string {
  return [...digits].map((digit) => small[Number(digit)]).join(" ");
}

/** "1200" → "one thousand two hundred" (no "and"). Past the quadrillions, or with a leading zero, digit by digit. */
export function cardinalWords(digits: string): string {
  if (digits.length > 1 && digits.startsWith("0")) return digitWords(digits);
  if (digits.length > scales.length * 3) return digitWords(digits);
  if (/^0+$/.test(digits)) return "zero";
  const words: string[] = [];
  const groups: number[] = [];
  for (let end = digits.length; end > 0; end -= 3)
    groups.unshift(Number(digits.slice(Math.max(0, end - 3), end)));
  groups.forEach((group, index) => {
    if (group === 0) return;
    words.push(...belowThousand(group));
    const scale = scales[groups.length - 1 - index];
    if (scale) words.push(scale);
  });
  return words.join(" ");
}

function belowThousand(value: number): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(value / 100);
  const rest = value % 100;
  if (hundreds > 0) words.push(small[hundreds] as string, "hundred");
  if (rest >= 20) {
    words.push(tens[Math.floor(rest / 10)] as string);
    if (rest % 10 > 0) words.push(small[rest % 10] as string);
  } else if (rest > 0) {
    words.push(small[rest] as string);
  }
  return words;
}

/** "1961" → "nineteen sixty one", "1905" → "nineteen oh five", "1900" → "nineteen hundred", "2005" → "two thousand five". */
export function yearWords(year: number): string {
  if (year >= 2000 && year < 2010) return cardinalWords(String(year));
  const century = Math.floor(year / 100);
  const rest = year % 100;
  const head = cardinalWords(String(century));
  if (rest === 0) return `${head} hundred`;
  if (rest < 10) return `${head} oh ${small[rest]}`;
  return `${head} ${cardinalWords(String(rest))}`;
}

/** Four bare digits from 1100 to 2099 are read as a year; everything else as a cardinal. */
export function integerWords(digits: string): string {
  const value = Number(digits);
  if (digits.length === 4 && !digits.startsWith("0") && value >= 1100 && value <= 2099)
    return yearWords(value);
  return cardinalWords(digits);
}

/** The last word of a number made ordinal: "twenty one" → "twenty first". */
export function ordinalWords(cardinal: string): string {
  const words = cardinal.split(" ");
  const last = words.pop() ?? "";
  const ordinal = irregularOrdinals[last] ?? (last.endsWith("y") ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words, ordinal].join(" ");
}

/** The last word made plural, for decades: "nineteen sixty" → "nineteen sixties". */
export function pluralWords(cardinal: string): string {
  const words = cardinal.split(" ");
  const last = words.pop() ?? "";
  return [...words, last.endsWith("y") ? `${last.slice(0, -1)}ies` : `${last}s`].join(" ");
}

/**
 * Every number in `text` written as spoken: currency ("$5.50" → "five dollars fifty cents"), percentages,
 * decimals ("3.5" → "three point five"), ordinals ("3rd"), decades ("1960s"), grouped thousands
 * ("1,200") and bare integers (years read in pairs). Text around the numbers is left as it is.
 */
export function spellOutNumbers(text: string): string {
  return text
    .replace(/\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?\b/g, (_match, whole: string, cents?: string) => {
      const amount = cardinalWords(whole.replaceAll(",", ""));
      const dollars = `${amount} ${amount === "one" ? "dollar" : "dollars"}`;
      if (!cents || Number(cents) === 0) return ` ${dollars} `;
      const centWords = cardinalWords(String(Number(cents)));
      return ` ${dollars} ${centWords} ${centWords === "one" ? "cent" : "cents"} `;
    })
    .replace(/(\d)\s*%/g, "$1 percent")
    .replace(/(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)/g, (_match, whole: string, fraction: string) => {
      return ` ${cardinalWords(whole.replaceAll(",", ""))} point ${digitWords(fraction)} `;
    })
    .replace(/\b(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)\b/g, (_match, digits: string) => {
      return ` ${ordinalWords(cardinalWords(digits.replaceAll(",", "")))} `;
    })
    .replace(/\b(\d{4}|\d0)s\b/g, (_match, digits: string) => ` ${pluralWords(integerWords(digits))} `)
    .replace(/\d{1,3}(?:,\d{3})+(?!\d)/g, (digits) => ` ${cardinalWords(digits.replaceAll(",", ""))} `)
    .replace(/\d+/g, (digits) => ` ${integerWords(digits)} `);
}
