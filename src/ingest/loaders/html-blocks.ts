// Walks an HTML DOM (linkedom) into text and blocks: headings, paragraphs, list items, table rows, code.
// Every walk keeps its own stack, so no nesting depth can overflow the call stack.
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
/** Elements whose content is never read as text. */
export const skippedTags = tagSet("script style noscript template head svg iframe object select");
/** Page furniture: left out when the page's whole body is read rather than Readability's article. */
export const furnitureTags = tagSet("nav header footer aside script style noscript form");
/** Elements that end the running paragraph; everything else not handled explicitly is inline. */
const blockTags = tagSet(`
  address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption figure
  footer form header hgroup hr html legend main menu nav ol p section summary table tbody tfoot thead ul`);
const headingTag = /^h([1-6])$/;
/** Elements that start a new line of text: blocks, headings, list items, table rows and cells, line breaks. */
const lineTags = tagSet("li tr td th pre br h1 h2 h3 h4 h5 h6");
/** HTML whitespace plus no-break space, which reads as a space in extracted text. */
const collapsible = /[ \t\n\r\f\u00a0]+/g;
/**
 * Unicode's line separator, read as a line break (as `<br>` is). The nesting guard marks the lines of
 * flattened elements with it: one text node for any number of lines, where `<br>`s would cost a node each.
 */
export const lineSeparator = "\u2028";

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
  walker.walk(root);
  walker.flush();
  return { ...builder.build(), firstHeading: builder.firstHeading() };
}

/** True when the element `tag` (lower case) starts a new line of text. */
export function startsLine(tag: string): boolean {
  return blockTags.has(tag) || lineTags.has(tag);
}

/** How deeply elements nest under `root` (its children are at depth 1), walked without recursion. */
export function elementDepth(root: HtmlNode): number {
  let deepest = 0;
  const pending: [HtmlNode, number][] = [[root, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    deepest = Math.max(deepest, depth);
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === elementNode) pending.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** A step of the walk: read a node, or finish an element whose children have been read. */
type Step = { node: HtmlNode; leaving: boolean };

class BlockWalker {
  private inline = "";
  /** Marker for the list item whose own text has not been emitted yet. */
  private pendingMarker: string | undefined;
  private readonly itemNumbers = new Map<HtmlNode, number>();
  private readonly steps: Step[] = [];

  constructor(private readonly builder: TextBuilder) {}

  /** Reads `root` and everything under it in document order, keeping its own stack. */
  walk(root: HtmlNode): void {
    this.steps.push({ node: root, leaving: false });
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      if (step.leaving) this.leave(step.node);
      else this.visit(step.node);
    }
  }

  private visit(node: HtmlNode): void {
    if (node.nodeType === textNode) {
      this.inline += (node.textContent ?? "").replace(collapsible, " ").replaceAll(lineSeparator, "\n");
      return;
    }
    if (node.nodeType !== elementNode) return;
    const tag = node.nodeName.toLowerCase();
    if (skippedTags.has(tag)) return;
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
      this.visitChildren(node, true);
    } else if (tag === "br") {
      this.inline += "\n";
    } else if (blockTags.has(tag)) {
      this.flush();
      this.visitChildren(node, true);
    } else {
      this.visitChildren(node, false);
    }
  }

  /** After a list item or block element's children: its text ends there. */
  private leave(node: HtmlNode): void {
    this.flush();
    if (node.nodeName.toLowerCase() === "li") this.pendingMarker = undefined;
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

  /** Queues the children to be read next, in order, and then the element's own ending if `leaving`. */
  private visitChildren(node: HtmlNode, leaving: boolean): void {
    if (leaving) this.steps.push({ node, leaving: true });
    const children = Array.from(node.childNodes);
    for (let index = children.length - 1; index >= 0; index--) {
      this.steps.push({ node: children[index] as HtmlNode, leaving: false });
    }
  }
}

function collapse(text: string): string {
  return text.replace(collapsible, " ").trim();
}

function tagSet(names: string): Set<string> {
  return new Set(names.trim().split(/\s+/));
}
