// Code-like tokens in prose: command-line flags (--no-color, -v), environment variables
// (VERITY_DATA_DIR), snake_case and dotted setting names (cache.max_size), camelCase identifiers.

const codeToken =
  /(?<![\p{L}\p{N}_-])--?[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\b|\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/gu;

/** Code-like tokens of a text, as written, in order. */
export function codeTokens(text: string): string[] {
  return (text.match(codeToken) ?? []).filter((token) => !isProseAbbreviation(token));
}

// "e.g" and "i.e" look like dotted names but are prose.
function isProseAbbreviation(token: string): boolean {
  return /^[a-z](?:\.[a-z])+$/u.test(token);
}
