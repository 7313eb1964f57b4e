// Document loaders: one per format, chosen by file extension.
export { docxLoader } from "./docx-loader.js";
export { type HtmlBlocks, type HtmlNode, htmlBlocks } from "./html-blocks.js";
export { htmlLoader } from "./html-loader.js";
export { jsonlLoader } from "./jsonl-loader.js";
export { markdownLoader } from "./markdown-loader.js";
export { pdfLoader } from "./pdf-loader.js";
export { loaderFor, loaders, supportedExtensions } from "./registry.js";
export { decodeText, normaliseText } from "./text-decoding.js";
export { textLoader } from "./text-loader.js";
