// An answer as Markdown for the clipboard: each sentence with its citation numbers, then the numbered
// sources with their labels and quotes; an abstention with its reason and the closest sources.
import type { Answer, AnswerSentence, Citation } from "../api/types";
import { citationLabel } from "./citation-label";

/** Citations numbered in order of first appearance, one number per distinct passage and span. */
export function numberCitations(sentences: readonly AnswerSentence[]): {
  numbers: Map<string, number>;
  list: Citation[];
} {
  const numbers = new Map<string, number>();
  const list: Citation[] = [];
  for (const sentence of sentences) {
    for (const citation of sentence.citations) {
      const key = citationKey(citation);
      if (!numbers.has(key)) {
        list.push(citation);
        numbers.set(key, list.length);
      }
    }
  }
  return { numbers, list };
}

export function citationKey(citation: Citation): string {
  return `${citation.chunkId}:${citation.location.charStart}-${citation.location.charEnd}`;
}

const escapeMarkdown = (text: string) => text.replace(/([\\`*_[\]<>])/gu, "\\$1");
const quoteLine = (text: string) => text.replace(/\s+/gu, " ").trim();

export function answerMarkdown(answer: Pick<Answer, "question" | "sentences" | "abstention">): string {
  const lines = [`**Q:** ${escapeMarkdown(answer.question)}`, ""];
  if (answer.abstention) {
    lines.push(`**I don't know.** ${escapeMarkdown(answer.abstention.detail)}`);
    if (answer.abstention.closestSources.length > 0) {
      lines.push("", "Closest sources:", "");
      answer.abstention.closestSources.forEach((source, index) => {
        lines.push(
          `${index + 1}. ${escapeMarkdown(citationLabel(source.source, source.location))}: > ${escapeMarkdown(quoteLine(source.snippet))}`,
        );
      });
    }
    return `${lines.join("\n")}\n`;
  }
  const { numbers, list } = numberCitations(answer.sentences);
  const text = answer.sentences
    .map((sentence) => {
      const marks = sentence.citations.map((citation) => `[${numbers.get(citationKey(citation))}]`);
      return `${escapeMarkdown(sentence.text)}${marks.length > 0 ? ` ${[...new Set(marks)].join("")}` : ""}`;
    })
    .join(" ");
  lines.push(text);
  if (list.length > 0) {
    lines.push("", "Sources:", "");
    list.forEach((citation, index) => {
      lines.push(
        `[${index + 1}] ${escapeMarkdown(citationLabel(citation.source, citation.location))}: "${escapeMarkdown(quoteLine(citation.quote))}"`,
      );
    });
  }
  return `${lines.join("\n")}\n`;
}
