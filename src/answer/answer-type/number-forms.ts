// The ways a number can be written in English text: "4", "4th", "four", "fourth", "IV".

const cardinals =
  "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split(
    " ",
  );
const ordinals =
  "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(
    " ",
  );

const romans = "  ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split(" ");

/** Ways a number can be written: "4", "4th", "four", "fourth". */
export function numberForms(number: string): string[] {
  if (!/^\p{N}+$/u.test(number)) return [number];
  const value = Number(number);
  const suffix =
    value % 100 >= 11 && value % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][value % 10] ?? "th");
  const forms = [number, `${number}${suffix}`];
  if (value <= 20) forms.push(cardinals[value] as string, ordinals[value] as string);
  // "Diablo III", "Part II": roman numerals from 2 ("I" is also a pronoun).
  if (value >= 2 && value <= 20) forms.push(romans[value] as string);
  return forms;
}

/** A four-digit year from 1500 to 2099. */
export function isYear(token: string): boolean {
  return /^(?:1[5-9]|20)\p{N}{2}$/u.test(token);
}
