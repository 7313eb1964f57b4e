// SciFact claims in the original layout, turned into verifier cases: a claim, the text of the
// abstracts it cites (what a retrieval step would hand the verifier), and the verdict it deserves.
import { existsSync, readFileSync, statSync } from "node:fs";
import { z } from "zod";
import type { Verdict } from "../src/answer/verify/verifier.js";
import { VerityError } from "../src/core/errors.js";

const documentId = z.union([z.number().int(), z.string().min(1)]);

const corpusRecord = z.object({
  doc_id: documentId,
  title: z.string(),
  abstract: z.array(z.string()),
});

const claimRecord = z.object({
  id: documentId,
  claim: z.string().min(1),
  evidence: z.record(
    z.string(),
    z.array(z.object({ sentences: z.array(z.number().int()), label: z.enum(["SUPPORT", "CONTRADICT"]) })),
  ),
  cited_doc_ids: z.array(documentId),
});

export interface ScifactClaim {
  id: string;
  claim: string;
  /** Labels of the evidence sets, per document id; no entry at all means NOT ENOUGH INFO. */
  evidence: Map<string, ("SUPPORT" | "CONTRADICT")[]>;
  citedDocumentIds: string[];
}

export interface VerifierCase {
  id: string;
  claim: string;
  gold: Verdict;
  /** Ids of the documents given as sources. */
  documents: string[];
  /** Title and abstract of each of those documents, one string per document. */
  sources: string[];
}

export interface VerifierCases {
  cases: VerifierCase[];
  /** Claims with SUPPORT evidence in one document and CONTRADICT in another: no single gold verdict. */
  mixedLabels: string[];
  /** Claims left out because a document they cite is not in the corpus. */
  missingDocuments: { claim: string; documents: string[] }[];
}

/** Reads a SciFact `corpus.jsonl` (`{doc_id, title, abstract: [sentences]}`): document id → text. */
export function readScifactCorpus(path: string): Map<string, string> {
  const corpus = new Map<string, string>();
  for (const { line, value } of jsonLines(path, "corpus")) {
    const record = parseRecord(corpusRecord, value, path, line, () =>
      has(value, "_id") && has(value, "text")
        ? "this looks like a BEIR corpus ({_id,title,text}); pass the SciFact original corpus.jsonl ({doc_id,title,abstract})"
        : has(value, "claim")
          ? "this looks like a claims file: were --data and --corpus swapped?"
          : "each line of a SciFact corpus is {doc_id, title, abstract: [sentences]}",
    );
    const id = String(record.doc_id);
    if (corpus.has(id)) throw badLine(path, line, `doc_id ${id} appears twice`);
    corpus.set(id, sourceText(record.title, record.abstract));
  }
  return corpus;
}

// A blank line ends the title as a sentence of its own, whether or not it ends with a full stop.
const sourceText = (title: string, abstract: readonly string[]) =>
  [title.trim(), abstract.map((sentence) => sentence.trim()).join(" ")].filter(Boolean).join("\n\n");

/** Reads a SciFact claims file (`{id, claim, evidence, cited_doc_ids}` per line). */
export function readScifactClaims(path: string): ScifactClaim[] {
  const claims: ScifactClaim[] = [];
  const seen = new Set<string>();
  for (const { line, value } of jsonLines(path, "claims")) {
    const record = parseRecord(claimRecord, value, path, line, () =>
      has(value, "abstract")
        ? "this looks like a corpus: were --data and --corpus swapped?"
        : has(value, "claim") && !has(value, "evidence")
          ? 'the claim has no "evidence": an unlabelled claims file (like SciFact\'s claims_test.jsonl) cannot be scored; use claims_train.jsonl or claims_dev.jsonl'
          : "each line of a SciFact claims file is {id, claim, evidence: {doc_id: [{sentences, label}]}, cited_doc_ids}",
    );
    const id = String(record.id);
    if (seen.has(id)) throw badLine(path, line, `claim id ${id} appears twice`);
    seen.add(id);
    claims.push({
      id,
      claim: record.claim,
      evidence: new Map(
        Object.entries(record.evidence)
          .filter(([, sets]) => sets.length > 0)
          .map(([document, sets]) => [document, sets.map((set) => set.label)]),
      ),
      citedDocumentIds: record.cited_doc_ids.map(String),
    });
  }
  return claims;
}

/** The verdict a claim deserves: SUPPORT → supported, CONTRADICT → contradicted, no evidence → unsupported. */
export function goldVerdict(claim: ScifactClaim): Verdict | "mixed" {
  const labels = new Set([...claim.evidence.values()].flat());
  if (labels.has("SUPPORT") && labels.has("CONTRADICT")) return "mixed";
  if (labels.has("SUPPORT")) return "supported";
  if (labels.has("CONTRADICT")) return "contradicted";
  return "unsupported";
}

/**
 * One case per claim. The sources are the cited documents plus any evidence document the claim
 * forgot to cite (so a labelled verdict always has its evidence in front of the verifier).
 */
export function verifierCases(
  claims: readonly ScifactClaim[],
  corpus: ReadonlyMap<string, string>,
): VerifierCases {
  const result: VerifierCases = { cases: [], mixedLabels: [], missingDocuments: [] };
  for (const claim of claims) {
    const gold = goldVerdict(claim);
    if (gold === "mixed") {
      result.mixedLabels.push(claim.id);
      continue;
    }
    const documents = [...new Set([...claim.citedDocumentIds, ...claim.evidence.keys()])];
    const missing = documents.filter((document) => !corpus.has(document));
    if (missing.length > 0) {
      result.missingDocuments.push({ claim: claim.id, documents: missing });
      continue;
    }
    const sources = documents.map((document) => corpus.get(document) as string);
    result.cases.push({ id: claim.id, claim: claim.claim, gold, documents, sources });
  }
  return result;
}

function* jsonLines(path: string, what: string): Generator<{ line: number; value: unknown }> {
  if (!existsSync(path)) {
    throw new VerityError(
      "E_NOT_FOUND",
      `${path} does not exist: pass the path of a SciFact ${what} .jsonl file`,
    );
  }
  if (statSync(path).isDirectory()) {
    throw new VerityError(
      "E_UNREADABLE",
      `${path} is a folder: pass the SciFact ${what} .jsonl file inside it`,
    );
  }
  let any = false;
  for (const [index, text] of readFileSync(path, "utf8").split("\n").entries()) {
    if (!text.trim()) continue;
    any = true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `${path}:${index + 1} is not JSON (${(error as Error).message}); a SciFact ${what} file holds one JSON object per line`,
        { cause: error },
      );
    }
    yield { line: index + 1, value };
  }
  if (!any) {
    throw new VerityError(
      "E_EMPTY",
      `${path} is empty: a SciFact ${what} file holds one JSON object per line`,
    );
  }
}

function parseRecord<T>(
  schema: z.ZodType<T>,
  value: unknown,
  path: string,
  line: number,
  hint: () => string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `field "${issue.path.join(".")}": ` : "";
  throw badLine(path, line, `${where}${issue?.message ?? "not a record"}; ${hint()}`);
}

const has = (value: unknown, key: string) => typeof value === "object" && value !== null && key in value;

const badLine = (path: string, line: number, problem: string) =>
  new VerityError("E_INVALID_INPUT", `${path}:${line}: ${problem}`);
