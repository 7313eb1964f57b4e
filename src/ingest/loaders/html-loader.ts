// HTML: the page's main content (Readability), or the body without navigation when Readability finds too little.
// Pages nested deeper than any real page are flattened first and read without Readability.
import { basename, extname } from "node:path";
import { VerityError } from "../../core/errors.js";
import type { Loader } from "../extracted.js";
import {
  elementDepth,
  furnitureTags,
  type HtmlBlocks,
  type HtmlNode,
  headingLevelAttribute,
  htmlBlocks,
} from "./html-blocks.js";
import { endOfElement, flattenDeepElements, markupDepth, maxNestingDepth, scanTags } from "./html-nesting.js";
import { decodeText, normaliseText } from "./text-decoding.js";

/** Page furniture removed from the body when Readability's article is not used. */
const furniture = [...furnitureTags, "[role=navigation]"].join(", ");
/** Readability's own default threshold for an article to count as one. */
const enoughArticleChars = 500;

export const htmlLoader: Loader = {
  mediaType: "text/html",
  extensions: [".html", ".htm"],
  async load({ path, bytes }) {
    const html = decodeText(bytes, path);
    const libraries = await htmlLibraries();
    // Deeper than any real page (a denial of service for Readability): flattened, read without it.
    const depth = markupDepth(html);
    const document = parseDocument(depth > maxNestingDepth ? flattenDeepElements(html) : html, libraries);
    for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      heading.setAttribute(headingLevelAttribute, heading.tagName.slice(1));
    }
    // The parsed tree is measured too, in case the parser nested deeper than the markup scan counted.
    const deepest = Math.max(depth, elementDepth(document));
    const deep = deepest > maxNestingDepth;
    const content = deep
      ? htmlBlocks(withoutFurniture(document.body.cloneNode(true)))
      : mainContent(document, libraries);
    if (content.blocks.length === 0) {
      throw new VerityError(
        "E_EMPTY",
        `${path} has no visible text outside navigation and scripts. If the page builds its content with ` +
          "JavaScript, save the rendered page (or its text) and ingest that instead.",
      );
    }
    const pageTitle = collapse(document.querySelector("title")?.textContent ?? "");
    const firstH1 = collapse(document.querySelector("h1")?.textContent ?? "");
    const title = pageTitle || firstH1 || content.firstHeading || basename(path, extname(path));
    if (!deep) return [{ title, text: content.text, blocks: content.blocks }];
    const warning =
      `elements nest ${deepest} levels deep, past the ${maxNestingDepth} read as page structure: the text was ` +
      `extracted without main-content detection (Readability), and elements deeper than ${maxNestingDepth} ` +
      "levels were read as plain lines";
    return [{ title, text: content.text, blocks: content.blocks, metadata: { warnings: [warning] } }];
  },
};

interface HtmlLibraries {
  Readability: typeof import("@mozilla/readability").Readability;
  parseHTML: typeof import("linkedom").parseHTML;
}

/** linkedom and Readability are large: load them only when an HTML file turns up (keeps `verity ask` fast). */
async function htmlLibraries(): Promise<HtmlLibraries> {
  const [{ Readability }, { parseHTML }] = await Promise.all([
    import("@mozilla/readability"),
    import("linkedom"),
  ]);
  return { Readability, parseHTML };
}

// linkedom's document is typed against the DOM lib, which this Node project does not load.
// biome-ignore lint/suspicious/noExplicitAny: see above
type LinkedomDocument = any;

/**
 * Readability's article when it found one of at least its own minimum size, else the body without page
 * furniture (short pages, where Readability guesses poorly).
 */
function mainContent(document: LinkedomDocument, libraries: HtmlLibraries): HtmlBlocks {
  const article = new libraries.Readability(document.cloneNode(true)).parse();
  if (article?.content) {
    const articleBody = parseDocument(article.content, libraries).body;
    restoreTitleHeading(document, articleBody, article.title ?? "");
    const readable = htmlBlocks(withoutFurniture(articleBody));
    if (readable.text.length >= enoughArticleChars) return readable;
  }
  return htmlBlocks(withoutFurniture(document.body.cloneNode(true)));
}

/** Readability drops the h1 that repeats the page title; put it back so heading paths keep their root. */
function restoreTitleHeading(document: LinkedomDocument, articleBody: LinkedomDocument, title: string): void {
  const heading = document.querySelector("h1");
  if (!heading || heading.closest(furniture)) return;
  const text = collapse(heading.textContent ?? "").toLowerCase();
  const pageTitle = collapse(document.querySelector("title")?.textContent ?? "").toLowerCase();
  // Readability matches the h1 against the page title, which often carries a site suffix ("Plans | Help Centre").
  if (!text || !(collapse(title).toLowerCase().includes(text) || pageTitle.includes(text))) return;
  if (articleBody.querySelector(`[${headingLevelAttribute}="1"]`)) return;
  articleBody.prepend(heading.cloneNode(true));
}

function withoutFurniture(element: LinkedomDocument): HtmlNode {
  for (const node of element.querySelectorAll(furniture)) node.remove();
  return element as HtmlNode;
}

/** linkedom only builds a body for complete documents, so fragments are wrapped into one first. */
function parseDocument(html: string, { parseHTML }: HtmlLibraries): LinkedomDocument {
  const complete = /<html[\s>]/i.test(html) && /<body[\s>]/i.test(html);
  const { document } = parseHTML(complete ? html : wrapped(html));
  return document.body ? document : parseHTML(wrapped(html)).document;
}

/**
 * A complete document around `html`: its own doctype, html, head and body tags dropped and its first
 * title moved into the head. Read with the tag scanner, so no markup can make it backtrack.
 */
function wrapped(html: string): string {
  let title = "";
  const body: string[] = [];
  let copied = 0;
  for (const tag of scanTags(html)) {
    const isTitle = tag.name === "title" && !tag.closing;
    if (!isTitle && !["html", "head", "body", "!doctype"].includes(tag.name)) continue;
    const end = isTitle ? endOfElement(html, tag) : tag.end;
    if (isTitle && title === "") title = html.slice(tag.start, end);
    body.push(html.slice(copied, tag.start));
    copied = end;
  }
  body.push(html.slice(copied));
  return `<!doctype html><html><head>${title}</head><body>${body.join("")}</body></html>`;
}

function collapse(text: string): string {
  return normaliseText(text).replace(/\s+/g, " ").trim();
}
