// The nesting guard for HTML: how deeply a page's elements nest, measured on the markup in one pass
// before any parser builds a tree, and the page with its elements past a safe depth flattened.
import { furnitureTags, lineSeparator, skippedTags, startsLine } from "./html-blocks.js";

/**
 * Deepest element nesting read as page structure. Readability's time grows with about the cube of the
 * depth (500 levels: 1.4 s, 2,000: 54 s, then a stack overflow) and linkedom's parser moves its whole
 * stack of open elements on every tag, so a page nested deeper is read without Readability, with its
 * elements past this depth flattened into lines of text. Real pages nest 10 to 40 levels deep.
 */
export const maxNestingDepth = 256;

/** A tag as linkedom's parser (htmlparser2) reads it; `<!doctype …>` comes as a tag named "!doctype". */
export interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  start: number;
  end: number;
  /** Where the text of a raw-text element (script, style, title, textarea, xmp) ends: at its end tag. */
  textEnd?: number;
}

const rawTextEnds = new Map(
  ["script", "style", "title", "textarea", "xmp"].map((name) => [name, new RegExp(`</${name}[\\s>]`, "gi")]),
);
const isLetter = (char: string | undefined) => char !== undefined && /[A-Za-z]/.test(char);
const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);
const endsTagName = (char: string | undefined) => char === undefined || /[\s/>]/.test(char);

/** Index just past the first `needle` at or after `from`, or the end of `text`. */
function pastNext(text: string, needle: string, from: number): number {
  const index = text.indexOf(needle, from);
  return index === -1 ? text.length : index + needle.length;
}

/**
 * The tags of `html` in order, read as htmlparser2 reads them: comments skipped, raw-text elements'
 * content not searched for tags, quoted attribute values free to hold ">". One pass over the text.
 */
export function* scanTags(html: string): Generator<Tag> {
  let position = 0;
  for (let start = html.indexOf("<"); start !== -1; start = html.indexOf("<", position)) {
    const next = html[start + 1];
    if (html.startsWith("!--", start + 1)) {
      position = pastNext(html, "-->", start + 4);
      continue;
    }
    const closing = next === "/";
    const declaration = next === "!";
    const nameStart = closing || declaration ? start + 2 : start + 1;
    if (next === "?" || !(declaration || isLetter(html[nameStart]))) {
      // "a < b" is text; "<?…>" and "</ …>" are read as comments.
      position = next === "?" || closing ? pastNext(html, ">", start + 2) : start + 1;
      continue;
    }
    let cursor = nameStart;
    while (!endsTagName(html[cursor])) cursor++;
    const name = `${declaration ? "!" : ""}${html.slice(nameStart, cursor).toLowerCase()}`;
    if (closing || declaration) {
      position = pastNext(html, ">", cursor);
      yield { name, closing, selfClosing: false, start, end: position };
      continue;
    }
    // Attributes: a quoted value may hold ">"; a "/" just before ">", outside a value, closes the tag.
    let lastMark = "";
    while (cursor < html.length && html[cursor] !== ">") {
      if (html[cursor] === "=") {
        cursor++;
        while (isSpace(html[cursor])) cursor++;
        const quote = html[cursor];
        if (quote === '"' || quote === "'") cursor = pastNext(html, quote, cursor + 1);
        else while (cursor < html.length && !/[\s>]/.test(html[cursor] as string)) cursor++;
        lastMark = "=";
        continue;
      }
      if (!isSpace(html[cursor])) lastMark = html[cursor] as string;
      cursor++;
    }
    position = Math.min(cursor + 1, html.length);
    const selfClosing = lastMark === "/";
    const rawTextEnd = selfClosing ? undefined : rawTextEnds.get(name);
    if (!rawTextEnd) {
      yield { name, closing, selfClosing, start, end: position };
      continue;
    }
    rawTextEnd.lastIndex = position;
    const textEnd = rawTextEnd.exec(html)?.index ?? html.length;
    yield { name, closing, selfClosing, start, end: position, textEnd };
    position = textEnd;
  }
}

/** Where the element opened by `tag` ends when it is a raw-text element: past its end tag. */
export function endOfElement(html: string, tag: Tag): number {
  if (tag.textEnd === undefined) return tag.end;
  return tag.textEnd >= html.length ? html.length : pastNext(html, ">", tag.textEnd);
}

const paragraphOnly = new Set(["p"]);
/**
 * Open elements a starting element closes when one of them is innermost (HTML's optional end tags):
 * htmlparser2's own rules, less the ones for form controls. Closing no more than the parser does keeps
 * the depth counted here at or above the depth of the tree it builds.
 */
const impliedEnds = new Map<string, ReadonlySet<string>>([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["li", new Set(["li"])],
  ["option", new Set(["option"])],
  ["optgroup", new Set(["optgroup", "option"])],
  ["dd", new Set(["dd", "dt"])],
  ["dt", new Set(["dd", "dt"])],
  ["rt", new Set(["rt", "rp"])],
  ["rp", new Set(["rt", "rp"])],
  ["tbody", new Set(["thead", "tbody"])],
  ["tfoot", new Set(["thead", "tbody"])],
  ...`p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer
    form header hr main nav ol pre section table ul`
    .split(/\s+/)
    .map((name): [string, ReadonlySet<string>] => [name, paragraphOnly]),
]);
const voidElements = new Set(
  "area base br col embed hr img input link meta param source track wbr".split(" "),
);
/** In SVG and MathML "<x/>" closes itself; these elements switch back to HTML, where it does not. */
const foreignRoots = new Set(["svg", "math"]);
const integrationPoints = new Set([
  "mi",
  "mo",
  "mn",
  "ms",
  "mtext",
  "annotation-xml",
  "foreignobject",
  "desc",
  "title",
]);

/** The stack of open elements, kept by the parser's rules; each operation costs what it opens or closes. */
class OpenElements {
  private readonly names: string[] = [];
  /** Where in the stack the open elements of each name are, innermost last. */
  private readonly positions = new Map<string, number[]>();
  /** Whether "<x/>" closes itself: kept apart from the elements, by tag names alone, as the parser does. */
  private readonly foreign: boolean[] = [];

  get depth(): number {
    return this.names.length;
  }

  /**
   * Opens the element of `tag`, after closing what it implies, and returns its depth; a void or
   * self-closed element has its depth too, but does not stay open. A declaration has depth 0.
   */
  open(tag: Tag): number {
    if (tag.name.startsWith("!")) return 0;
    const implied = impliedEnds.get(tag.name);
    while (implied?.has(this.names[this.names.length - 1] ?? "")) this.pop();
    if (voidElements.has(tag.name)) return this.names.length + 1;
    if (foreignRoots.has(tag.name)) this.foreign.push(true);
    else if (integrationPoints.has(tag.name)) this.foreign.push(false);
    if (tag.selfClosing && this.foreign[this.foreign.length - 1]) return this.names.length + 1;
    const positions = this.positions.get(tag.name) ?? [];
    positions.push(this.names.length);
    this.positions.set(tag.name, positions);
    this.names.push(tag.name);
    return this.names.length;
  }

  /**
   * Closes the innermost open element named `name` and all inside it, and returns its depth. With none
   * open, the parser ignores the end tag (0), except "</p>" and "</br>", which make an empty element.
   */
  close(name: string): number {
    if (foreignRoots.has(name) || integrationPoints.has(name)) this.foreign.pop();
    const position = this.positions.get(name)?.at(-1);
    if (position === undefined) return name === "p" || name === "br" ? this.names.length + 1 : 0;
    while (this.names.length > position) this.pop();
    return position + 1;
  }

  private pop(): void {
    const name = this.names.pop() as string;
    this.positions.get(name)?.pop();
  }
}

/** How deeply the elements of `html` nest, as its parser will build them (or deeper, never less). */
export function markupDepth(html: string): number {
  const elements = new OpenElements();
  let deepest = 0;
  for (const tag of scanTags(html)) {
    deepest = Math.max(deepest, tag.closing ? elements.close(tag.name) : elements.open(tag));
  }
  return deepest;
}

/** Elements whose text is never read, so nothing of them is kept when they are flattened. */
const unshownTags = new Set([...skippedTags, ...furnitureTags]);

/**
 * `html` with every element deeper than `maxNestingDepth` flattened: its tags dropped, a line separator
 * (one, between two runs of text) where it began or ended a line, and nothing of it at all when its
 * text is never read (scripts, styles, navigation and other page furniture).
 */
export function flattenDeepElements(html: string): string {
  const elements = new OpenElements();
  const parts: string[] = [];
  let copied = 0;
  /** While an unshown element past the depth is open: the depth it opened at. */
  let hiddenFrom: number | undefined;
  let lineHasText = false;
  for (const tag of scanTags(html)) {
    if (hiddenFrom === undefined && tag.start > copied) {
      const text = html.slice(copied, tag.start);
      parts.push(text);
      lineHasText ||= /\S/.test(text);
    }
    copied = tag.textEnd ?? tag.end;
    const depth = tag.closing ? elements.close(tag.name) : elements.open(tag);
    if (hiddenFrom !== undefined) {
      if (elements.depth >= hiddenFrom) continue;
      hiddenFrom = undefined;
    }
    if (depth <= maxNestingDepth) {
      parts.push(html.slice(tag.start, copied));
    } else if (!tag.closing && unshownTags.has(tag.name) && elements.depth === depth) {
      hiddenFrom = depth;
    } else if (startsLine(tag.name) && lineHasText) {
      parts.push(lineSeparator);
      lineHasText = false;
    }
  }
  if (hiddenFrom === undefined) parts.push(html.slice(copied));
  return parts.join("");
}
