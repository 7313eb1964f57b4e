// HTML: the page's main content (Readability), or the body without navigation when Readability finds too little.
import { basename, extname } from "node:path";
import { VerityError } from "../../core/errors.js";
import type { Loader } from "../extracted.js";
import { type HtmlBlocks, type HtmlNode, headingLevelAttribute, htmlBlocks } from "./html-blocks.js";
import { decodeText, normaliseText } from "./text-decoding.js";

/** Page furniture removed from the body when Readability's article is not used. */
const furniture = "nav, header, footer, aside, script, style, noscript, form, [role=navigation]";
/** Readability's own default threshold for an article to count as one. */
const enoughArticleChars = 500;

export const htmlLoader: Loader = {
  mediaType: "text/html",
  extensions: [".html", ".htm"],
  async load({ path, bytes }) {
    const html = decodeText(bytes, path);
    const libraries = await htmlLibraries();
    const document = parseDocument(html, libraries);
    for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      heading.setAttribute(headingLevelAttribute, heading.tagName.slice(1));
    }
    const content = mainContent(document, libraries);
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
    return [{ title, text: content.text, blocks: content.blocks }];
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

function wrapped(html: string): string {
  const title = /<title[^>]*>[\s\S]*?<\/title>/i.exec(html)?.[0] ?? "";
  const body = html.replace(
    /<!doctype[^>]*>|<\/?(?:html|head|body)\b[^>]*>|<title[^>]*>[\s\S]*?<\/title>/gi,
    "",
  );
  return `<!doctype html><html><head>${title}</head><body>${body}</body></html>`;
}

function collapse(text: string): string {
  return normaliseText(text).replace(/\s+/g, " ").trim();
}
