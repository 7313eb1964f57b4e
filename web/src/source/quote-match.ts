// Which text runs of a PDF page hold a quote: pdf.js splits a page into runs (one per text item), and
// a quote may start mid-run, cross lines and differ in spacing or hyphenation from the extracted text.

const normalize = (text: string) => text.toLowerCase().replace(/[\s\u00ad]+/gu, " ");

/** Indices of the runs the quote covers; when it is not found whole, the runs inside the quote. */
export function quotedRuns(runs: readonly string[], quote: string): number[] {
  const wanted = normalize(quote).trim();
  if (wanted === "") return [];
  // The page as one string, runs joined by a space, remembering where each run starts.
  let page = "";
  const starts: number[] = [];
  for (const run of runs) {
    starts.push(page.length);
    page += `${normalize(run)} `;
  }
  const squash = (text: string) => text.replace(/ /gu, "");
  // Compare without spaces (runs may split or join words), mapping back to positions in `page`.
  const positions: number[] = [];
  let squashed = "";
  for (let index = 0; index < page.length; index++) {
    if (page[index] !== " ") {
      positions.push(index);
      squashed += page[index];
    }
  }
  const found = squashed.indexOf(squash(wanted));
  if (found !== -1) {
    const from = positions[found] ?? 0;
    const to = positions[found + squash(wanted).length - 1] ?? from;
    const covered: number[] = [];
    runs.forEach((_, index) => {
      const start = starts[index] ?? 0;
      const end = (starts[index + 1] ?? page.length) - 1;
      if (end > from && start <= to) covered.push(index);
    });
    return covered;
  }
  const quoteSquashed = squash(wanted);
  return runs.flatMap((run, index) => {
    const text = squash(normalize(run));
    return text.length >= 6 && quoteSquashed.includes(text) ? [index] : [];
  });
}
