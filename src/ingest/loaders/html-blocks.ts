// Walks an HTML DOM (linkedom) into text and blocks: headings, paragraphs, list items, table rows, code.
import type { TextBlock } from "../extracted.js";
import { createTextBuilder, type TextBuilder } from "./text-builder.js";

/** The few DOM members the walker reads; linkedom nodes satisfy it, and there is no DOM lib in Node. */
export interface HtmlNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<HtmlNode>;
  parentNode: HtmlNode | null;
  getAttribute?(name: string): string | null;
}

/** Set on headings before Readability runs, which turns every h1 into h2. */
export const headingLevelAttribute = "data-verity-level";

const elementNode = 1;
const textNode = 3;
const skipped = tagSet("script style noscript template head svg iframe object select");
/** Elements that end the running paragraph; everything else not handled explicitly is inline. */
const blockTags = tagSet(`
  address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption figure
  footer form header hgroup hr html legend main menu nav ol p section summary table tbody tfoot thead ul`);
const headingTag = /^h([1-6])$/;
/** HTML whitespace plus no-break space, which reads as a space in extracted text. */
const collapsible = /[ \t\n\r\f\u00a0]+/g;

export interface HtmlBlocks {
  text: string;
  blocks: TextBlock[];
  /** Text of the first heading, for titles. */
  firstHeading: string | undefined;
}

/** Extracts the text under `root`; whitespace is collapsed except inside `pre`. */
export function htmlBlocks(root: HtmlNode): HtmlBlocks {
  const builder = createTextBuilder();
  const walker = new BlockWalker(builder);
  walker.visit(root);
  walker.flush();
  return { ...builder.build(), firstHeading: builder.firstHeading() };
}

class BlockWalker {
  private inline = "";
  /** Marker for the list item whose own text has not been emitted yet. */
  private pendingMarker: string | undefined;
  private readonly itemNumbers = new Map<HtmlNode, number>();

  constructor(private readonly builder: TextBuilder) {}

  visit(node: HtmlNode): void {
    if (node.nodeType === textNode) {
      this.inline += (node.textContent ?? "").replace(collapsible, " ");
      return;
    }
    if (node.nodeType !== elementNode) return;
    const tag = node.nodeName.toLowerCase();
    if (skipped.has(tag)) return;
    const heading = headingTag.exec(tag);
    if (heading) {
      this.flush();
      const original = Number(node.getAttribute?.(headingLevelAttribute));
      this.builder.add(collapse(node.textContent ?? ""), {
        kind: "heading",
        level: original || Number(heading[1]),
      });
    } else if (tag === "pre") {
      this.flush();
      this.builder.add((node.textContent ?? "").replace(/^\n+/, ""), { kind: "text" });
    } else if (tag === "tr") {
      this.flush();
      const cells = Array.from(node.childNodes)
        .filter((cell) => ["td", "th"].includes(cell.nodeName.toLowerCase()))
        .map((cell) => collapse(cell.textContent ?? ""))
        .filter((cell) => cell !== "");
      this.builder.add(cells.join(" | "), { kind: "text", line: true });
    } else if (tag === "li") {
      this.flush();
      this.pendingMarker = this.listMarker(node);
      this.visitChildren(node);
      this.flush();
      this.pendingMarker = undefined;
    } else if (tag === "br") {
      this.inline += "\n";
    } else if (blockTags.has(tag)) {
      this.flush();
      this.visitChildren(node);
      this.flush();
    } else {
      this.visitChildren(node);
    }
  }

  /** Emits the inline text gathered so far as one block. */
  flush(): void {
    const text = this.inline
      .replace(/ +/g, " ")
      .replace(/ ?\n ?/g, "\n")
      .trim();
    this.inline = "";
    if (text === "") return;
    if (this.pendingMarker !== undefined) {
      this.builder.add(`${this.pendingMarker}${text}`, { kind: "text", line: true });
      this.pendingMarker = undefined;
    } else {
      this.builder.add(text, { kind: "text" });
    }
  }

  /** "- " in unordered lists, "n. " in ordered ones (honouring `start`). */
  private listMarker(item: HtmlNode): string {
    const parent = item.parentNode;
    if (parent?.nodeName.toLowerCase() !== "ol") return "- ";
    if (!this.itemNumbers.has(item)) {
      let number = Number(parent.getAttribute?.("start") ?? 1) || 1;
      for (const sibling of Array.from(parent.childNodes)) {
        if (sibling.nodeName.toLowerCase() === "li") this.itemNumbers.set(sibling, number++);
      }
    }
    return `${this.itemNumbers.get(item)}. `;
  }

  private visitChildren(node: HtmlNode): void {
    for (const child of Array.from(node.childNodes)) this.visit(child);
  }
}

function collapse(text: string): string {
  return text.replace(collapsible, " ").trim();
}

function tagSet(names: string): Set<string> {
  return new Set(names.trim().split(/\s+/));
}
