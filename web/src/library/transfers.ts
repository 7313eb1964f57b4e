// Uploads with progress (XMLHttpRequest reports bytes sent; fetch does not) and jobs followed over
// Server-Sent Events until they finish; files dropped as folders read through the entries API.
import { ApiError, apiFetch, authHeaders, collectionPath } from "../api/client";
import { readEvents } from "../api/sse";
import type { Job } from "../api/types";

/** Sends one file; resolves with the queued job. */
export function uploadFile(
  collection: string,
  file: File,
  groups: string,
  onProgress: (fraction: number) => void,
): Promise<Job> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${collectionPath(collection)}/documents`);
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.setRequestHeader("accept", "application/json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () =>
      reject(new ApiError(0, "E_NETWORK", "the upload did not reach the server; check the connection"));
    request.onload = () => {
      let body: { job?: Job; error?: { code: string; message: string } } = {};
      try {
        body = JSON.parse(request.responseText) as typeof body;
      } catch {
        // Not JSON: the status says what happened.
      }
      if (request.status >= 200 && request.status < 300 && body.job) {
        onProgress(1);
        resolve(body.job);
      } else {
        reject(
          new ApiError(
            request.status,
            body.error?.code ?? `HTTP_${request.status}`,
            body.error?.message ?? `the server answered ${request.status}`,
          ),
        );
      }
    };
    const form = new FormData();
    if (groups.trim() !== "") form.append("groups", groups.trim());
    form.append("file", file, file.name);
    request.send(form);
  });
}

/** Follows a job until it is done; `onProgress` sees every state, the last one is returned. */
export async function followJob(
  id: string,
  onProgress: (job: Job) => void,
  signal?: AbortSignal,
): Promise<Job> {
  const response = await apiFetch(`/api/v1/jobs/${encodeURIComponent(id)}/events`, {
    headers: { accept: "text/event-stream" },
    ...(signal ? { signal } : {}),
  });
  if (!response.body) throw new ApiError(0, "E_STREAM", "the server sent no event stream");
  let last: Job | undefined;
  for await (const message of readEvents(response.body)) {
    last = JSON.parse(message.data) as Job;
    onProgress(last);
    if (message.event === "done") return last;
  }
  if (last && last.status !== "queued" && last.status !== "running") return last;
  throw new ApiError(0, "E_STREAM", "the job's progress stream ended before the job finished");
}

async function filesOf(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    const file = entry as FileSystemFileEntry;
    return [await new Promise<File>((resolve, reject) => file.file(resolve, reject))];
  }
  if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    const all: File[] = [];
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (batch.length === 0) break;
      for (const child of batch) if (!child.name.startsWith(".")) all.push(...(await filesOf(child)));
    }
    return all;
  }
  return [];
}

/** The files of a drop, folders walked. */
export async function droppedFiles(transfer: DataTransfer): Promise<File[]> {
  // Entries must be taken before the drop handler yields: the items are emptied afterwards.
  const entries = [...transfer.items]
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 0) return [...transfer.files];
  return (await Promise.all(entries.map(filesOf))).flat();
}
