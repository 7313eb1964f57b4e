// Markdown: readable plain text without markup, headings kept as heading blocks.
import { basename, extname } from "node:path";
import { Lexer, type Token, type Tokens } from "marked";
import { VerityError } from "../../core/errors.js";
import type { Loader } from "../extracted.js";
import { createTextBuilder, type TextBuilder } from "./text-builder.js";
import { decodeText } from "./text-decoding.js";
import { paragraphBlocks } from "./text-loader.js";

const frontMatter = /^---[^\S\n]*\n([\s\S]*?)\n(?:---|\.\.\.)[^\S\n]*(?:\n|$)/;

export const markdownLoader: Loader = {
  mediaType: "text/markdown",
  extensions: [".md", ".markdown"],
  async load({ path, bytes }) {
    const source = decodeText(bytes, path);
    const matter = frontMatter.exec(source);
    const markdown = matter ? source.slice(matter[0].length) : source;
    let tokens: Token[];
    try {
      tokens = new Lexer().lex(markdown);
    } catch (error) {
      // marked's block rules recurse per line: one paragraph of ~12 MB (a log saved as .md) overflows
      // the stack. Such a file is read as plain text rather than lost.
      if (!(error instanceof RangeError)) throw error;
      return [
        {
          title: basename(path, extname(path)),
          text: source,
          blocks: paragraphBlocks(source),
          metadata: { warnings: ["too large for Markdown parsing; read as plain text"] },
        },
      ];
    }
    const builder = createTextBuilder();
    renderBlocks(tokens, builder);
    const { text, blocks } = builder.build();
    if (blocks.length === 0) {
      throw new VerityError(
        "E_EMPTY",
        `${path} has no text once Markdown markup and front matter are removed. Add content or leave it out.`,
      );
    }
    const title =
      builder.firstHeading(1) ?? frontMatterTitle(matter?.[1] ?? "") ?? basename(path, extname(path));
    return [{ title, text, blocks }];
  },
};

function renderBlocks(tokens: Token[], builder: TextBuilder): void {
  for (const token of tokens) {
    switch (token.type) {
      case "heading":
        builder.add(renderInline(token.tokens ?? []), { kind: "heading", level: token.depth });
        break;
      case "paragraph":
      case "text":
        builder.add(token.tokens ? renderInline(token.tokens) : decodeEntities(token.text), { kind: "text" });
        break;
      case "code":
        builder.add(token.text, { kind: "text" });
        break;
      case "list":
        renderList(token as Tokens.List, builder);
        break;
      case "table":
        renderTable(token as Tokens.Table, builder);
        break;
      case "html":
        builder.add(htmlToText(token.text), { kind: "text" });
        break;
      case "space":
      case "hr":
      case "def":
        break;
      default:
        // Blockquotes and extension tokens: their children carry the text.
        if ("tokens" in token && Array.isArray(token.tokens)) renderBlocks(token.tokens, builder);
        else if ("text" in token && typeof token.text === "string") builder.add(token.text, { kind: "text" });
    }
  }
}

/** Each item becomes a line "- item" (or "3. item"); nested lists and code follow as their own blocks. */
function renderList(list: Tokens.List, builder: TextBuilder): void {
  const first = typeof list.start === "number" ? list.start : 1;
  list.items.forEach((item, index) => {
    let marker = list.ordered ? `${first + index}. ` : "- ";
    const lines: string[] = [];
    const nested: Token[] = [];
    for (const child of item.tokens) {
      if (child.type === "checkbox") marker += child.checked ? "[x] " : "[ ] ";
      else if (child.type === "space") continue;
      else if (nested.length > 0 || ["list", "code", "table"].includes(child.type)) nested.push(child);
      else lines.push(renderInlineOrBlock(child).trim());
    }
    const own = lines.filter((line) => line !== "").join("\n");
    if (own !== "") builder.add(`${marker}${own}`, { kind: "text", line: true });
    renderBlocks(nested, builder);
  });
}

function renderTable(table: Tokens.Table, builder: TextBuilder): void {
  for (const row of [table.header, ...table.rows]) {
    const cells = row.map((cell) => renderInline(cell.tokens).trim()).filter((cell) => cell !== "");
    builder.add(cells.join(" | "), { kind: "text", line: true });
  }
}

function renderInlineOrBlock(token: Token): string {
  if (token.type === "paragraph" || token.type === "text") {
    return token.tokens ? renderInline(token.tokens) : decodeEntities(token.text);
  }
  return "tokens" in token && Array.isArray(token.tokens) ? renderInline(token.tokens) : "";
}

function renderInline(tokens: Token[]): string {
  let text = "";
  for (const token of tokens) {
    switch (token.type) {
      case "text":
        text += token.tokens ? renderInline(token.tokens) : decodeEntities(token.text);
        break;
      case "escape":
      case "codespan":
      case "image":
        text += token.text;
        break;
      case "br":
        text += "\n";
        break;
      case "html":
        break;
      case "checkbox":
        text += token.checked ? "[x] " : "[ ] ";
        break;
      default:
        if ("tokens" in token && Array.isArray(token.tokens)) text += renderInline(token.tokens);
        else if ("text" in token && typeof token.text === "string") text += token.text;
    }
  }
  return text;
}

/** Raw HTML in Markdown: keep its text, drop tags and comments. */
function htmlToText(html: string): string {
  const withoutMarkup = html.replace(/<!--[\s\S]*?(?:-->|$)/g, "").replace(/<[^>]*>/g, " ");
  return decodeEntities(withoutMarkup.replace(/\s+/g, " "));
}

const namedEntities = new Map<string, string>(
  Object.entries({
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    nbsp: "\u00a0",
    copy: "©",
    reg: "®",
    trade: "™",
    hellip: "…",
    mdash: "—",
    ndash: "–",
    lsquo: "‘",
    rsquo: "’",
    ldquo: "“",
    rdquo: "”",
    times: "×",
    deg: "°",
  }),
);

/** Markdown keeps HTML entity references in its text tokens; resolve the numeric and common named ones. */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith("#")) {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return namedEntities.get(name) ?? entity;
  });
}

/** A plain `title: Some title` line; anything needing a YAML parser (blocks, anchors, flow values) is ignored. */
function frontMatterTitle(yaml: string): string | undefined {
  const value = /^title:[^\S\n]*(.+)$/m.exec(yaml)?.[1]?.trim();
  if (!value || /^[|>[{&*!]/.test(value)) return undefined;
  const unquoted = /^(["'])(.*)\1$/.exec(value)?.[2] ?? value;
  return unquoted.trim() || undefined;
}
