// A recording at the cited moment: the player's position is the citation's start. With a key the
// file is fetched with it (a media element cannot send one) and played from memory; without keys the
// player streams it from the content route with Range requests.
import { useEffect, useRef, useState } from "react";
import { apiFetch, authHeaders, documentPath } from "../api/client";
import type { SourceTarget } from "../ask/answer-view";
import { formatTimestamp } from "../ask/citation-label";
import { ErrorAlert } from "../ui/error-alert";

export function MediaSource({ target, video }: { target: SourceTarget; video: boolean }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const player = useRef<HTMLMediaElement | null>(null);
  const start = (target.location.startMs ?? 0) / 1000;
  const contentUrl = `${documentPath(target.collection, target.documentId)}/content`;

  useEffect(() => {
    let objectUrl: string | null = null;
    const controller = new AbortController();
    if (!authHeaders().authorization) {
      setUrl(contentUrl);
      return;
    }
    apiFetch(contentUrl, { signal: controller.signal, headers: { accept: "*/*" } })
      .then((response) => response.blob())
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch((failure: unknown) => {
        if ((failure as Error).name !== "AbortError") setError(failure);
      });
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [contentUrl]);

  // A new citation of the same recording moves the player without reloading it.
  useEffect(() => {
    const element = player.current;
    if (element && element.readyState >= 1) element.currentTime = start;
  }, [start]);

  if (error) return <ErrorAlert error={error} title="The recording could not be loaded" />;
  if (!url) return <p aria-live="polite">Loading the recording…</p>;
  const seek = (event: { currentTarget: HTMLMediaElement }) => {
    event.currentTarget.currentTime = start;
  };
  return (
    <div className="media-source">
      <p>
        Cited moment: {formatTimestamp(target.location.startMs ?? 0)}
        {target.location.endMs !== undefined ? ` to ${formatTimestamp(target.location.endMs)}` : ""}
      </p>
      {video ? (
        // biome-ignore lint/a11y/useMediaCaption: the cited transcript is shown beside the player
        <video
          ref={(element) => {
            player.current = element;
          }}
          src={url}
          controls
          aria-label="Recording"
          onLoadedMetadata={seek}
          preload="metadata"
        />
      ) : (
        // biome-ignore lint/a11y/useMediaCaption: the cited transcript is shown beside the player
        <audio
          ref={(element) => {
            player.current = element;
          }}
          src={url}
          controls
          aria-label="Recording"
          onLoadedMetadata={seek}
          preload="metadata"
        />
      )}
      <button
        type="button"
        onClick={() => {
          if (player.current) player.current.currentTime = start;
        }}
      >
        Back to {formatTimestamp(target.location.startMs ?? 0)}
      </button>
    </div>
  );
}
