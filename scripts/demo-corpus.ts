// Writes the demo corpus: the help centre of "Lumen Notes", a fictional note-taking app made by the fictional
// Quillfern Software, as Markdown, HTML, PDF and DOCX files with the same bytes on every run.

import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AlignmentType, Document, HeadingLevel, LevelFormat, Packer, Paragraph } from "docx";
import PDFDocument from "pdfkit";
import { type Block, type HelpArticle, helpCentre } from "./demo-corpus-articles.js";

export { type DemoQuestion, demoQuestions } from "./demo-corpus-articles.js";

const company = "Quillfern Software";

/** Stamped into every PDF and DOCX, so that the bytes never depend on when the corpus was written. */
const publishedAt = new Date("2025-03-01T09:00:00.000Z");

export async function writeDemoCorpus(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const article of helpCentre) {
    const path = join(dir, article.fileName);
    await writeFile(path, await render(article));
    paths.push(path);
  }
  return paths;
}

function render(article: HelpArticle): Promise<string | Uint8Array> {
  const extension = article.fileName.slice(article.fileName.lastIndexOf("."));
  switch (extension) {
    case ".md":
      return Promise.resolve(renderMarkdown(article));
    case ".html":
      return Promise.resolve(renderHtml(article));
    case ".pdf":
      return renderPdf(article);
    case ".docx":
      return renderDocx(article);
    default:
      throw new Error(`No renderer for ${article.fileName}: use .md, .html, .pdf or .docx.`);
  }
}

function renderMarkdown(article: HelpArticle): string {
  const markdownBlock = (block: Block): string =>
    typeof block === "string"
      ? block
      : block.list.map((item, index) => `${block.ordered ? `${index + 1}.` : "-"} ${item}`).join("\n");
  const parts = [`# ${article.title}`, ...article.intro.map(markdownBlock)];
  for (const section of article.sections) {
    parts.push(`## ${section.heading}`, ...section.blocks.map(markdownBlock));
  }
  return `${parts.join("\n\n")}\n`;
}

/** Site chrome around each HTML article; none of these words occur in any article, so tests can tell them apart. */
const siteMenu = ["Home", "Community forum", "Status page", "Developer API", "Release notes"];

function renderHtml(article: HelpArticle): string {
  const htmlBlock = (block: Block): string => {
    if (typeof block === "string") return `      <p>${escapeXml(block)}</p>`;
    const tag = block.ordered ? "ol" : "ul";
    const items = block.list.map((item) => `        <li>${escapeXml(item)}</li>`);
    return [`      <${tag}>`, ...items, `      </${tag}>`].join("\n");
  };
  const body = [`      <h1>${escapeXml(article.title)}</h1>`, ...article.intro.map(htmlBlock)];
  for (const section of article.sections) {
    body.push(`      <h2>${escapeXml(section.heading)}</h2>`, ...section.blocks.map(htmlBlock));
  }
  const menu = siteMenu.map(
    (label) => `        <li><a href="/${label.toLowerCase().replaceAll(" ", "-")}">${label}</a></li>`,
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeXml(article.title)} | Quillfern Help Centre</title>
  <meta name="description" content="${escapeXml(article.summary)}">
  <link rel="stylesheet" href="/assets/help-centre.css">
</head>
<body>
  <header class="site-header">
    <a class="brand" href="/">Quillfern Help Centre</a>
    <form class="site-search" action="/search" role="search">
      <input type="search" name="q" placeholder="Search the help centre" aria-label="Search the help centre">
    </form>
  </header>
  <nav class="site-menu" aria-label="Main menu">
    <ul>
${menu.join("\n")}
    </ul>
  </nav>
  <main>
    <article>
${body.join("\n")}
    </article>
  </main>
  <footer class="site-footer">
    <p>&copy; 2025 Quillfern Software Ltd. All rights reserved.</p>
    <ul>
      <li><a href="/legal/privacy">Privacy notice</a></li>
      <li><a href="/legal/terms">Terms of service</a></li>
      <li><a href="/legal/cookies">Cookie preferences</a></li>
      <li><a href="/careers">Careers</a></li>
    </ul>
  </footer>
</body>
</html>
`;
}

function renderPdf(article: HelpArticle): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: "A4",
    margin: 72,
    info: {
      Title: article.title,
      Author: company,
      Subject: article.summary,
      Creator: "Quillfern Help Centre",
      CreationDate: publishedAt,
      ModDate: publishedAt,
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolvePdf, rejectPdf) => {
    pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
    pdf.on("end", () => resolvePdf(Buffer.concat(chunks)));
    pdf.on("error", rejectPdf);
  });
  const pdfBlock = (block: Block): void => {
    pdf.font("Helvetica").fontSize(11);
    if (typeof block === "string") pdf.text(block, { lineGap: 2 });
    else pdf.list(block.list, { listType: block.ordered ? "numbered" : "bullet", lineGap: 2 });
    pdf.moveDown(0.6);
  };
  pdf.font("Helvetica-Bold").fontSize(20).text(article.title).moveDown(0.6);
  article.intro.forEach(pdfBlock);
  for (const section of article.sections) {
    if (section.startsNewPage) pdf.addPage();
    pdf.font("Helvetica-Bold").fontSize(14).text(section.heading).moveDown(0.3);
    section.blocks.forEach(pdfBlock);
  }
  pdf.end();
  return finished;
}

async function renderDocx(article: HelpArticle): Promise<Uint8Array> {
  const docxBlock = (block: Block): Paragraph[] =>
    typeof block === "string"
      ? [new Paragraph({ text: block })]
      : block.list.map((item) =>
          block.ordered
            ? new Paragraph({ text: item, numbering: { reference: "ordered-list", level: 0 } })
            : new Paragraph({ text: item, bullet: { level: 0 } }),
        );
  const children = [
    new Paragraph({ text: article.title, heading: HeadingLevel.HEADING_1 }),
    ...article.intro.flatMap(docxBlock),
  ];
  for (const section of article.sections) {
    children.push(
      new Paragraph({ text: section.heading, heading: HeadingLevel.HEADING_2 }),
      ...section.blocks.flatMap(docxBlock),
    );
  }
  const document = new Document({
    creator: company,
    lastModifiedBy: company,
    title: article.title,
    description: article.summary,
    numbering: {
      config: [
        {
          reference: "ordered-list",
          levels: [{ level: 0, format: LevelFormat.DECIMAL, text: "%1.", alignment: AlignmentType.START }],
        },
      ],
    },
    sections: [{ children }],
  });
  // docx stamps docProps/core.xml with the current time and has no option for it, so the part is replaced.
  const zip = await Packer.toBuffer(document, false, [
    { path: "docProps/core.xml", data: coreProperties(article) },
  ]);
  return withZipTimestamps(zip, publishedAt);
}

function coreProperties(article: HelpArticle): string {
  const stamp = publishedAt.toISOString();
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    `<dc:title>${escapeXml(article.title)}</dc:title>`,
    `<dc:description>${escapeXml(article.summary)}</dc:description>`,
    `<dc:creator>${company}</dc:creator>`,
    `<cp:lastModifiedBy>${company}</cp:lastModifiedBy>`,
    "<cp:revision>1</cp:revision>",
    `<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created>`,
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${stamp}</dcterms:modified>`,
    "</cp:coreProperties>",
  ].join("");
}

/**
 * Sets every entry's modification time in a zip file. docx zips with the current time and has no option for it;
 * the time fields sit outside the compressed data and its checksum, so they can be rewritten in place.
 */
function withZipTimestamps(zip: Uint8Array, date: Date): Uint8Array {
  const bytes = Uint8Array.from(zip);
  const view = new DataView(bytes.buffer);
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error("The DOCX that docx produced has no zip end record; check the docx version.");
  const entryCount = view.getUint16(end + 10, true);
  let entry = view.getUint32(end + 16, true);
  for (let index = 0; index < entryCount; index += 1) {
    if (view.getUint32(entry, true) !== 0x02014b50)
      throw new Error("Malformed zip central directory in DOCX.");
    view.setUint16(entry + 12, dosTime, true);
    view.setUint16(entry + 14, dosDate, true);
    const localHeader = view.getUint32(entry + 42, true);
    view.setUint16(localHeader + 10, dosTime, true);
    view.setUint16(localHeader + 12, dosDate, true);
    entry +=
      46 +
      view.getUint16(entry + 28, true) +
      view.getUint16(entry + 30, true) +
      view.getUint16(entry + 32, true);
  }
  return bytes;
}

function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error("Usage: npx tsx scripts/demo-corpus.ts <dir>");
    process.exitCode = 1;
  } else {
    for (const path of await writeDemoCorpus(dir)) console.log(path);
  }
}
