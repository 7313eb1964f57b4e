// The API's shapes as the app reads them (see /api/v1/openapi.json); only the fields it uses.
export interface Location {
  charStart: number;
  charEnd: number;
  page?: number;
  headingPath?: string[];
  startMs?: number;
  endMs?: number;
}

export interface Citation {
  documentId: string;
  source: string;
  chunkId: string;
  location: Location;
  quote: string;
}

export interface Verification {
  verdict: "supported" | "unsupported" | "contradicted";
  score: number;
  reasons: string[];
}

export interface AnswerSentence {
  text: string;
  citations: Citation[];
  verification?: Verification;
}

export interface ClosestSource {
  documentId: string;
  source: string;
  title: string;
  chunkId: string;
  location: Location;
  snippet: string;
  score: number;
}

export interface Abstention {
  reason: "no_relevant_sources" | "unsupported_by_sources" | "conflicting_sources" | "model_declined";
  detail: string;
  closestSources: ClosestSource[];
}

export interface Answer {
  question: string;
  status: "answered" | "abstained";
  sentences: AnswerSentence[];
  abstention: Abstention | null;
  trace: Record<string, unknown> & {
    answerer: string;
    collection: string;
    retrievalMs: number;
    totalMs: number;
  };
}

export interface Collection {
  name: string;
  createdAt: string;
  documentCount: number;
  chunkCount: number;
}

export interface DocumentRecord {
  id: string;
  collection: string;
  source: string;
  file: string;
  title: string;
  mediaType: string;
  size: number;
  chunkCount: number;
  groups: string[];
  metadata: Record<string, unknown>;
  status: "indexed";
}

export interface PendingUpload {
  name: string;
  job: string;
  status: "queued" | "running";
}

export interface UploadedFile {
  name: string;
  status: string;
  documents: string[];
  error?: { code: string; message: string };
}

export interface Job {
  id: string;
  kind: "upload" | "reindex";
  collection: string;
  status: "queued" | "running" | "succeeded" | "failed" | "interrupted";
  progress: { done: number; total: number; unit: "files" | "chunks"; etaMs?: number };
  result?: { files?: UploadedFile[] } & Record<string, unknown>;
  error?: { code: string; message: string };
}

export type Scope = "read" | "write" | "admin";
export type Reach = "*" | string[];

export interface Session {
  keyRequired: boolean;
  key: { id: string; name: string } | null;
  scopes: Scope[];
  collections: Reach;
  groups: Reach;
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  collections: Reach;
  groups: Reach;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface LedgerDay {
  date: string;
  answers: number;
  answered: number;
  abstained: number;
  escalated: number;
  costUsd: number;
  answeredCostUsd: number;
  p50Ms: number;
  p95Ms: number;
}

export interface ModelLatency {
  model: string;
  calls: number;
  failed: number;
  costUsd: number;
  p50Ms: number;
  p95Ms: number;
}

export interface BudgetUse {
  kind: "collection" | "apiKey";
  name: string;
  daily: { spentUsd: number; limitUsd: number | null };
  monthly: { spentUsd: number; limitUsd: number | null };
}

export interface DailyStats {
  since: string;
  days: LedgerDay[];
  models: ModelLatency[];
  budgets: BudgetUse[];
}
