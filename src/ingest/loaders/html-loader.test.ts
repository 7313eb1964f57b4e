import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { elementDepth, type HtmlNode, htmlBlocks } from "./html-blocks.js";
import { htmlLoader } from "./html-loader.js";
import { markupDepth, maxNestingDepth } from "./html-nesting.js";
import { describeBlocks, expectLoadError, expectWellFormed, load, loadOne } from "./loader-test-support.js";

const prose =
  "Composting turns kitchen scraps and garden waste into a dark, crumbly soil improver. " +
  "A healthy heap needs a balance of green material, brown material, air and moisture. ";

const articlePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Composting at home</title><style>p { color: red }</style></head>
<body>
  <header><nav><a href="/">Home</a> <a href="/shop">Shop the garden range</a></nav></header>
  <main>
    <article>
      <h1>Composting at home</h1>
      <p>${prose.repeat(3)}</p>
      <h2>What to add</h2>
      <p>${prose.repeat(2)}</p>
      <ul><li>Fruit and <em>vegetable</em> peelings</li><li>Cardboard, torn up</li></ul>
      <h3>Turning the heap</h3>
      <p>Turn it   every few weeks
        with a fork.</p>
      <pre>  week 1: build
  week 4: turn</pre>
    </article>
  </main>
  <aside>Related: twenty garden gadgets</aside>
  <footer><p>Copyright Example Gardens Ltd</p></footer>
  <script>console.log("tracking")</script>
</body>
</html>`;

describe("htmlLoader", () => {
  it("extracts the article with heading levels intact and list items as lines", async () => {
    const document = await loadOne(htmlLoader, "site/compost.html", articlePage);
    const blocks = describeBlocks(document);
    expect(blocks).toContain("## What to add");
    expect(blocks).toContain("### Turning the heap");
    expect(blocks).toContain("Turn it every few weeks with a fork.");
    expect(document.text).toContain("- Fruit and vegetable peelings\n- Cardboard, torn up");
    expectWellFormed(document);
  });

  it("keeps the page's h1, which Readability drops as a repeat of the title, as the root heading", async () => {
    const document = await loadOne(htmlLoader, "site/compost.html", articlePage);
    expect(describeBlocks(document)[0]).toBe("# Composting at home");
  });

  it("keeps the h1 as the root heading when the page title adds a site name", async () => {
    const page = articlePage.replace(
      "<title>Composting at home</title>",
      "<title>Composting at home | Example Gardens</title>",
    );
    const document = await loadOne(htmlLoader, "site/compost.html", page);
    expect(describeBlocks(document)[0]).toBe("# Composting at home");
  });

  it("leaves out link lists that are not marked up as navigation, on article pages", async () => {
    const page = `<html><head><title>Compost</title></head><body>
      <div class="menu"><a href="/a">Shop all garden tools</a> | <a href="/b">Seeds on offer</a></div>
      <div id="content"><h1>Compost</h1><p>${prose.repeat(3)}</p><h2>More</h2><p>${prose}</p></div>
      <div class="related"><h3>Related</h3><ul><li><a href="/x">Ten best shovels</a></li></ul></div>
      </body></html>`;
    const document = await loadOne(htmlLoader, "compost.html", page);
    expect(describeBlocks(document).map((block) => block.slice(0, 20))).toEqual([
      "# Compost",
      prose.slice(0, 20),
      "## More",
      prose.slice(0, 20),
    ]);
  });

  it("leaves navigation, footer, sidebar, scripts and styles out", async () => {
    const document = await loadOne(htmlLoader, "site/compost.html", articlePage);
    for (const furniture of ["Shop the garden range", "Copyright", "gadgets", "tracking", "color"]) {
      expect(document.text).not.toContain(furniture);
    }
  });

  it("keeps whitespace inside pre blocks", async () => {
    const document = await loadOne(htmlLoader, "site/compost.html", articlePage);
    expect(document.text).toContain("week 1: build\n  week 4: turn");
  });

  it("leaves navigation and footer out of short pages too, where Readability finds no article", async () => {
    const page = `<html><head><title>Contact</title></head><body>
      <nav role="navigation"><ul><li>Home</li><li>About</li></ul></nav>
      <div role="navigation">Breadcrumbs here</div>
      <h1>Contact us</h1><p>Write to hello@example.com.</p>
      <footer>Footer links</footer></body></html>`;
    const document = await loadOne(htmlLoader, "contact.htm", page);
    expect(describeBlocks(document)).toEqual(["# Contact us", "Write to hello@example.com."]);
  });

  it("titles the document from <title>, else the first h1, else the file name", async () => {
    expect((await loadOne(htmlLoader, "a.html", articlePage)).title).toBe("Composting at home");
    expect((await loadOne(htmlLoader, "b.html", "<h2>Minor</h2><h1>Main</h1><p>Body.</p>")).title).toBe(
      "Main",
    );
    expect((await loadOne(htmlLoader, "dir/c.html", "<p>Only a paragraph.</p>")).title).toBe("c");
  });

  it("reads table rows as lines of cells separated by bars", async () => {
    const table = "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>$5</td></tr></table>";
    const document = await loadOne(htmlLoader, "prices.html", table);
    expect(document.text).toBe("Plan | Price\nBasic | $5");
  });

  it("numbers ordered list items from the list's start", async () => {
    const document = await loadOne(htmlLoader, "steps.html", '<ol start="3"><li>Mix</li><li>Bake</li></ol>');
    expect(document.text).toBe("3. Mix\n4. Bake");
  });

  it("reads a page nested 100,000 levels deep as lines of text, and says it skipped Readability", async () => {
    const levels = 100_000;
    const nest = Array.from({ length: levels }, (_, level) => `<div><p>Level ${level} &amp; more.</p>`).join(
      "",
    );
    const page = `<html><head><title>Deep</title></head><body>${nest}${"</div>".repeat(levels)}</body></html>`;
    const document = await loadOne(htmlLoader, "deep.html", page);
    expect(document.title).toBe("Deep");
    expect(document.text).toContain("Level 0 & more.");
    expect(document.text).toContain("Level 99998 & more.\nLevel 99999 & more.");
    expect(document.metadata?.warnings).toEqual([
      expect.stringMatching(
        /nest 100003 levels deep, past the 256 .*without main-content detection \(Readability\)/,
      ),
    ]);
    expectWellFormed(document);
  });

  it("keeps headings and lists above the nesting limit, and scripts and navigation out below it", async () => {
    const deep = `${"<div>".repeat(maxNestingDepth)}<script>track()</script><nav>Deep menu</nav><h2>Deep title</h2><ul><li>one</li><li>two</li></ul>${"</div>".repeat(maxNestingDepth)}`;
    const page = `<html><body><nav>Menu</nav><h1>Guide</h1><ul><li>Shallow item</li></ul>${deep}</body></html>`;
    const document = await loadOne(htmlLoader, "deep.html", page);
    expect(describeBlocks(document)).toEqual(["# Guide", "- Shallow item", "Deep title\none\ntwo"]);
    expect(document.metadata?.warnings).toHaveLength(1);
  });

  it("reads a page at the nesting limit with Readability as usual, and warns of nothing", async () => {
    const nested = articlePage
      .replace("<article>", `<article>${"<div>".repeat(maxNestingDepth - 10)}`)
      .replace("</article>", `${"</div>".repeat(maxNestingDepth - 10)}</article>`);
    expect(markupDepth(nested)).toBeLessThanOrEqual(maxNestingDepth);
    const document = await loadOne(htmlLoader, "site/compost.html", nested);
    expect(describeBlocks(document)[0]).toBe("# Composting at home");
    expect(document.text).not.toContain("Shop the garden range");
    expect(document.metadata).toBeUndefined();
  });

  it("measures nesting as the parser builds it: optional end tags, void and self-closed elements", () => {
    const samples = [
      "<ul><li>a<li>b<li>c</ul>",
      "<p>one<p>two<div>three</div>",
      "<table><tr><td>1<td>2<tr><td>3</table>",
      "<svg><path d='M0 0'/><g><circle/></g></svg><div/><span>",
      '<a title="x>y"><b>bold</a><script>if (a<b) {"<div>"}</script>',
      "</p><br></br><!-- <div><div> --><dl><dt>x<dd>y</dl>",
    ];
    for (const sample of samples) {
      const { document } = parseHTML(`<html><body>${sample}</body></html>`);
      expect(markupDepth(`<html><body>${sample}</body></html>`)).toBe(elementDepth(document as HtmlNode));
    }
  });

  it("walks a tree 100,000 elements deep without running out of stack", () => {
    const { document } = parseHTML("<html><body></body></html>");
    let parent = document.body;
    for (let level = 0; level < 100_000; level++) {
      const element = document.createElement(level % 2 === 0 ? "div" : "span");
      element.append(document.createTextNode(`level ${level} `));
      parent.append(element);
      parent = element;
    }
    expect(elementDepth(document.body as HtmlNode)).toBe(100_000);
    const { blocks, text } = htmlBlocks(document.body as HtmlNode);
    expect(blocks).toHaveLength(50_000);
    expect(text.endsWith("level 99998 level 99999")).toBe(true);
  });

  it("rejects a page whose only text is navigation", async () => {
    const page = "<html><body><nav>Home About</nav><footer>Legal</footer></body></html>";
    await expectLoadError(load(htmlLoader, "menu.html", page), "E_EMPTY", "menu.html");
  });

  it("rejects an empty file", async () => {
    await expectLoadError(load(htmlLoader, "empty.html", ""), "E_EMPTY", "empty.html");
  });
});
