// SQL text with its parameters kept apart: fragments compose (a caller's access filter inside a
// query) and are numbered `$1…$n` only when rendered, so no value is ever spliced into SQL text.

export interface Sql {
  readonly parts: readonly (string | { value: unknown })[];
}

export interface RenderedSql {
  text: string;
  values: unknown[];
}

function isSql(value: unknown): value is Sql {
  return typeof value === "object" && value !== null && "parts" in value && Array.isArray(value.parts);
}

/** A fragment: interpolated `Sql` is inlined, any other value becomes a parameter. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  const parts: (string | { value: unknown })[] = [];
  strings.forEach((text, index) => {
    parts.push(text);
    if (index >= values.length) return;
    const value = values[index];
    if (isSql(value)) parts.push(...value.parts);
    else parts.push({ value });
  });
  return { parts };
}

/** Trusted SQL text (identifiers the store itself made), never user input. */
export function raw(text: string): Sql {
  return { parts: [text] };
}

export function join(fragments: readonly Sql[], separator: string): Sql {
  const parts: (string | { value: unknown })[] = [];
  fragments.forEach((fragment, index) => {
    if (index > 0) parts.push(separator);
    parts.push(...fragment.parts);
  });
  return { parts };
}

export function render(fragment: Sql): RenderedSql {
  let text = "";
  const values: unknown[] = [];
  for (const part of fragment.parts) {
    if (typeof part === "string") text += part;
    else {
      values.push(part.value);
      text += `$${values.length}`;
    }
  }
  return { text, values };
}

/** A double-quoted SQL identifier. */
export function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
