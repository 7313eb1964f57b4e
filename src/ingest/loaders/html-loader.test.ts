import { describe, expect, it } from "vitest";
import { htmlLoader } from "./html-loader.js";
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

  it("rejects a page whose only text is navigation", async () => {
    const page = "<html><body><nav>Home About</nav><footer>Legal</footer></body></html>";
    await expectLoadError(load(htmlLoader, "menu.html", page), "E_EMPTY", "menu.html");
  });

  it("rejects an empty file", async () => {
    await expectLoadError(load(htmlLoader, "empty.html", ""), "E_EMPTY", "empty.html");
  });
});
