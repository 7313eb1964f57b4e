// Library: collections, uploads with per-file progress and errors, the documents a key may read
// (pending uploads too), removal with confirmation, and re-embedding progress.
import { type DragEvent, type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { api, collectionPath, documentPath } from "../api/client";
import type { DocumentRecord, Job, PendingUpload } from "../api/types";
import { fileName } from "../ask/citation-label";
import { useCollections, useSelectedCollection } from "../ui/collections";
import { ConfirmButton } from "../ui/confirm-button";
import { describeError, ErrorAlert } from "../ui/error-alert";
import { fileErrorText, formatSize } from "./file-errors";
import { droppedFiles, followJob, uploadFile } from "./transfers";

interface Transfer {
  id: number;
  name: string;
  /** 0–1 while sending, then the ingestion job's state. */
  sent: number;
  state: "uploading" | "ingesting" | "done" | "failed";
  message: string;
}

let nextTransfer = 1;

/** Transcripts made by the offline recogniser say so in their metadata. */
function lowAccuracy(document: DocumentRecord): boolean {
  const transcription = document.metadata.transcription as { lowAccuracy?: boolean } | undefined;
  return transcription?.lowAccuracy === true || document.metadata.lowAccuracy === true;
}

export function LibraryPage({ canWrite }: { canWrite: boolean }) {
  const { collections, error: collectionsError, reload: reloadCollections } = useCollections();
  const [collection, setCollection] = useSelectedCollection(collections);
  const [documents, setDocuments] = useState<DocumentRecord[] | null>(null);
  const [pending, setPending] = useState<PendingUpload[]>([]);
  const [listError, setListError] = useState<unknown>(null);
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [groups, setGroups] = useState("");
  const [dragging, setDragging] = useState(false);
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState("");
  const [createError, setCreateError] = useState<unknown>(null);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const [reindex, setReindex] = useState<Job | null>(null);
  const [reindexError, setReindexError] = useState<unknown>(null);
  const followed = useRef(new Set<string>());

  const loadDocuments = useCallback(async () => {
    if (!collection) return;
    try {
      const body = await api<{ documents: DocumentRecord[]; pending: PendingUpload[] }>(
        `${collectionPath(collection)}/documents`,
      );
      setDocuments(body.documents);
      setPending(body.pending);
      setListError(null);
    } catch (error) {
      setListError(error);
    }
  }, [collection]);

  const followReindex = useCallback(
    (job: Job) => {
      if (followed.current.has(job.id)) return;
      followed.current.add(job.id);
      setReindex(job);
      followJob(job.id, setReindex)
        .then(() => loadDocuments())
        .catch(setReindexError);
    },
    [loadDocuments],
  );

  useEffect(() => {
    setDocuments(null);
    setReindex(null);
    void loadDocuments();
    if (!collection) return;
    // A re-embedding already running for this collection is followed too.
    api<{ jobs: Job[] }>("/api/v1/jobs?limit=20")
      .then(({ jobs }) => {
        const running = jobs.find(
          (job) =>
            job.kind === "reindex" &&
            job.collection === collection &&
            (job.status === "running" || job.status === "queued"),
        );
        if (running) followReindex(running);
      })
      .catch(() => undefined);
  }, [collection, loadDocuments, followReindex]);

  const change = (id: number, update: Partial<Transfer>) =>
    setTransfers((all) =>
      all.map((transfer) => (transfer.id === id ? { ...transfer, ...update } : transfer)),
    );

  const send = async (files: File[]) => {
    if (!collection || files.length === 0) return;
    const queued = files.map((file) => ({
      file,
      transfer: {
        id: nextTransfer++,
        name: file.name,
        sent: 0,
        state: "uploading" as const,
        message: "Waiting…",
      },
    }));
    setTransfers((all) => [...queued.map((entry) => entry.transfer), ...all]);
    // Two at a time: progress stays readable and the server is not flooded.
    const work = [...queued];
    const worker = async () => {
      for (let next = work.shift(); next; next = work.shift()) {
        const { file, transfer } = next;
        try {
          change(transfer.id, { message: "Uploading…" });
          const job = await uploadFile(collection, file, groups, (sent) =>
            change(transfer.id, { sent, message: `Uploading ${Math.round(sent * 100)}%` }),
          );
          change(transfer.id, { state: "ingesting", sent: 1, message: "Reading and indexing…" });
          void loadDocuments();
          const finished = await followJob(job.id, () => undefined);
          const result = finished.result?.files?.[0];
          if (result?.error || finished.status !== "succeeded") {
            const error = result?.error ??
              finished.error ?? { code: "E_INGEST_FAILED", message: "ingestion failed" };
            change(transfer.id, { state: "failed", message: fileErrorText(error) });
          } else {
            change(transfer.id, {
              state: "done",
              message: result?.status === "unchanged" ? "Already in the library, unchanged" : "Added",
            });
          }
        } catch (error) {
          const code = (error as { code?: string }).code ?? "E_UPLOAD";
          change(transfer.id, {
            state: "failed",
            message: fileErrorText({ code, message: describeError(error) }),
          });
        }
        void loadDocuments();
      }
    };
    await Promise.all([worker(), worker()]);
    void reloadCollections();
  };

  const drop = async (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void send(await droppedFiles(event.dataTransfer));
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreateError(null);
    try {
      const created = await api<{ name: string }>("/api/v1/collections", { body: { name: newName.trim() } });
      await reloadCollections();
      setCollection(created.name);
      setCreating(false);
      setNewName("");
    } catch (error) {
      setCreateError(error);
    }
  };

  const remove = async (document: DocumentRecord) => {
    setRemoveError(null);
    try {
      await api(documentPath(collection, document.id), { method: "DELETE" });
      await loadDocuments();
      void reloadCollections();
    } catch (error) {
      setRemoveError(error);
    }
  };

  const startReindex = async () => {
    setReindexError(null);
    try {
      followReindex(await api<Job>(`${collectionPath(collection)}/reindex`, { body: { activate: true } }));
    } catch (error) {
      setReindexError(error);
    }
  };

  return (
    <section aria-labelledby="library-title" className="library">
      <h1 id="library-title">Library</h1>
      <ErrorAlert error={collectionsError} title="Collections could not be listed" />
      <div className="row">
        <div className="field">
          <label htmlFor="library-collection">Collection</label>
          <select
            id="library-collection"
            value={collection}
            onChange={(event) => setCollection(event.target.value)}
          >
            {collections?.length === 0 ? <option value="">No collection yet</option> : null}
            {collections?.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name} ({entry.documentCount} documents, {entry.chunkCount} chunks)
              </option>
            ))}
          </select>
        </div>
        {canWrite ? (
          <button type="button" aria-expanded={creating} onClick={() => setCreating((open) => !open)}>
            New collection
          </button>
        ) : null}
        {canWrite && collection ? (
          <button type="button" onClick={startReindex}>
            Re-embed
          </button>
        ) : null}
      </div>
      {creating ? (
        <form className="card row" onSubmit={create} aria-label="New collection">
          <div className="field">
            <label htmlFor="collection-name">Name</label>
            <input
              id="collection-name"
              value={newName}
              onChange={(event) => setNewName(event.target.value)}
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,127}"
              title="Letters, digits, '.', '_' or '-', starting with a letter or digit"
              required
            />
          </div>
          <button type="submit">Create</button>
          <ErrorAlert error={createError} title="The collection was not created" />
        </form>
      ) : null}
      <ErrorAlert error={reindexError} title="Re-embedding failed" />
      {reindex ? (
        <div className="card">
          <label htmlFor="reindex-progress">
            Re-embedding {reindex.collection}: {reindex.progress.done} of {reindex.progress.total}{" "}
            {reindex.progress.unit} ({reindex.status})
          </label>
          <progress
            id="reindex-progress"
            aria-label="Re-embedding"
            max={Math.max(reindex.progress.total, 1)}
            value={reindex.progress.done}
          />
          {reindex.error ? <p role="alert">{reindex.error.message}</p> : null}
        </div>
      ) : null}

      {canWrite && collection ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: a drop target; the file inputs inside are the keyboard way
        <div
          className={`drop-zone${dragging ? " dragging" : ""}`}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={drop}
        >
          <p>Drop files or folders here, or choose them:</p>
          <div className="row">
            <div className="field">
              <label htmlFor="upload-files">Upload files</label>
              <input
                id="upload-files"
                type="file"
                multiple
                onChange={(event) => {
                  void send([...(event.target.files ?? [])]);
                  event.target.value = "";
                }}
              />
            </div>
            <div className="field">
              <label htmlFor="upload-folder">Upload folder</label>
              <input
                id="upload-folder"
                type="file"
                multiple
                {...({ webkitdirectory: "" } as Record<string, string>)}
                onChange={(event) => {
                  void send([...(event.target.files ?? [])].filter((file) => !file.name.startsWith(".")));
                  event.target.value = "";
                }}
              />
            </div>
            <div className="field">
              <label htmlFor="upload-groups">Access groups (optional, comma-separated)</label>
              <input id="upload-groups" value={groups} onChange={(event) => setGroups(event.target.value)} />
            </div>
          </div>
        </div>
      ) : null}

      {transfers.length > 0 ? (
        <ul className="transfers" aria-label="Uploads">
          {transfers.map((transfer) => (
            <li key={transfer.id} className={`transfer ${transfer.state}`}>
              <span className="transfer-name">{transfer.name}</span>
              <progress
                aria-label={transfer.name}
                max={1}
                value={transfer.state === "done" || transfer.state === "failed" ? 1 : transfer.sent}
              />
              {transfer.state === "failed" ? (
                <span role="alert" className="transfer-error">
                  {transfer.name}: {transfer.message}
                </span>
              ) : (
                <span role="status">{transfer.message}</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}

      <ErrorAlert error={listError} title="Documents could not be listed" />
      <ErrorAlert error={removeError} title="The document was not removed" />
      {collection ? (
        <div className="table-scroll">
          <table aria-label="Documents">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Size</th>
                <th scope="col">Chunks</th>
                <th scope="col">Status</th>
                {canWrite ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {pending.map((upload) => (
                <tr key={`${upload.job}-${upload.name}`}>
                  <td>{upload.name}</td>
                  <td>–</td>
                  <td>–</td>
                  <td>–</td>
                  <td>{upload.status === "queued" ? "queued" : "ingesting"}</td>
                  {canWrite ? <td /> : null}
                </tr>
              ))}
              {documents?.map((document) => {
                const name = fileName(document.source);
                return (
                  <tr key={document.id}>
                    <td title={document.source}>
                      {name}
                      {document.title && document.title !== name ? (
                        <span className="muted"> · {document.title}</span>
                      ) : null}
                    </td>
                    <td>{document.mediaType}</td>
                    <td>{formatSize(document.size)}</td>
                    <td>{document.chunkCount}</td>
                    <td>
                      indexed
                      {lowAccuracy(document) ? (
                        <span
                          className="flag"
                          title="The transcript was made by the offline speech recogniser"
                        >
                          {" "}
                          · low accuracy
                        </span>
                      ) : null}
                      {document.groups.length > 0 ? (
                        <span className="muted"> · {document.groups.join(", ")}</span>
                      ) : null}
                    </td>
                    {canWrite ? (
                      <td>
                        <ConfirmButton
                          label={`Remove ${name}`}
                          confirmLabel="Confirm remove"
                          onConfirm={() => void remove(document)}
                        />
                      </td>
                    ) : null}
                  </tr>
                );
              })}
              {documents?.length === 0 && pending.length === 0 ? (
                <tr>
                  <td colSpan={canWrite ? 6 : 5}>No documents yet.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
