// The one way the app talks to the server: fetch with the signed-in key, JSON in and out, and errors
// carrying the API's own code and message so each page can show them where they happen.
import { readEvents, type ServerEvent } from "./sse";

const keyStorage = "verity.apiKey";

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(keyStorage);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(keyStorage);
    else sessionStorage.setItem(keyStorage, key);
  } catch {
    // Storage refused (private mode): the key lasts until the page is closed.
  }
  memoryKey = key;
}

let memoryKey: string | null = storedKey();
const listeners = new Set<() => void>();

/** Called when the server refuses the key (401), so the app can ask for another. */
export function onUnauthorized(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function authHeaders(key: string | null = memoryKey): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** The API's error body as an ApiError (or one naming the status when the body is not the API's). */
export async function errorOf(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = `the server answered ${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message;
    if (body.error?.code) code = body.error.code;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** A key to try instead of the signed-in one (sign-in checks it before keeping it). */
  key?: string;
  headers?: Record<string, string>;
}

export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    accept: "application/json",
    ...authHeaders(options.key ?? memoryKey),
    ...options.headers,
  };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (body ? "POST" : "GET"),
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "E_NETWORK", "the server could not be reached; check that verity serve is running");
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && options.key === undefined) for (const listener of listeners) listener();
    throw error;
  }
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(path, options);
  return (await response.json()) as T;
}

/** POSTs and reads the answer as Server-Sent Events. */
export async function* apiEvents(path: string, options: RequestOptions): AsyncGenerator<ServerEvent> {
  const response = await apiFetch(path, {
    ...options,
    headers: { ...options.headers, accept: "text/event-stream" },
  });
  if (!response.body) throw new ApiError(0, "E_STREAM", "the server sent no event stream");
  yield* readEvents(response.body);
}

export const collectionPath = (name: string) => `/api/v1/collections/${encodeURIComponent(name)}`;
export const documentPath = (collection: string, id: string) =>
  `${collectionPath(collection)}/documents/${encodeURIComponent(id)}`;
