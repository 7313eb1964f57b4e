// A recording at the cited moment: the player's position is the citation's start. A media element
// cannot send a key, so with one the app asks for a short-lived media link to the recording and the
// player streams it with Range requests, seeking at once; a link that expires mid-listen is renewed
// where the player was. Without keys the player streams the content route itself.
import { useEffect, useRef, useState } from "react";
import { api, authHeaders, documentPath } from "../api/client";
import type { SourceTarget } from "../ask/answer-view";
import { formatTimestamp } from "../ask/citation-label";
import { ErrorAlert } from "../ui/error-alert";

/** Links renewed for one recording before its failures are shown instead. */
const maxRenewals = 3;

interface PlayerLink {
  url: string;
  /** A media link (which expires), rather than the content route itself. */
  renewable: boolean;
}

export function MediaSource({ target, video }: { target: SourceTarget; video: boolean }) {
  const [link, setLink] = useState<PlayerLink | null>(null);
  const [error, setError] = useState<unknown>(null);
  const player = useRef<HTMLMediaElement | null>(null);
  const renewals = useRef(0);
  /** Where to pick up once a renewed link has loaded, instead of the cited moment. */
  const resumeAt = useRef<{ seconds: number; playing: boolean } | null>(null);
  const start = (target.location.startMs ?? 0) / 1000;
  const contentUrl = `${documentPath(target.collection, target.documentId)}/content`;

  useEffect(() => {
    setLink(null);
    setError(null);
    renewals.current = 0;
    resumeAt.current = null;
    if (!authHeaders().authorization) {
      setLink({ url: contentUrl, renewable: false });
      return;
    }
    const controller = new AbortController();
    mediaLink(contentUrl, controller.signal)
      .then((url) => setLink({ url, renewable: true }))
      .catch((failure: unknown) => {
        if ((failure as Error).name !== "AbortError") setError(failure);
      });
    return () => controller.abort();
  }, [contentUrl]);

  // A new citation of the same recording moves the player without reloading it.
  useEffect(() => {
    const element = player.current;
    if (element && element.readyState >= 1) element.currentTime = start;
  }, [start]);

  if (error) return <ErrorAlert error={error} title="The recording could not be loaded" />;
  if (!link) return <p aria-live="polite">Loading the recording…</p>;
  const seek = (event: { currentTarget: HTMLMediaElement }) => {
    const element = event.currentTarget;
    const resume = resumeAt.current;
    resumeAt.current = null;
    element.currentTime = resume ? resume.seconds : start;
    if (resume?.playing) void element.play().catch(() => undefined);
  };
  // The link expired (or its key was refused) while playing: ask for a new one, keep the position.
  const renew = (event: { currentTarget: HTMLMediaElement }) => {
    if (!link.renewable) return;
    if (renewals.current >= maxRenewals) {
      setError(
        new Error("the player kept failing to read the recording; close the source and open it again"),
      );
      return;
    }
    renewals.current++;
    const element = event.currentTarget;
    resumeAt.current = { seconds: element.currentTime, playing: !element.paused };
    mediaLink(contentUrl).then((url) => setLink({ url, renewable: true }), setError);
  };
  const Player = video ? "video" : "audio";
  return (
    <div className="media-source">
      <p>
        Cited moment: {formatTimestamp(target.location.startMs ?? 0)}
        {target.location.endMs !== undefined ? ` to ${formatTimestamp(target.location.endMs)}` : ""}
      </p>
      {/* No caption track: the cited transcript is shown beside the player. */}
      <Player
        ref={(element: HTMLMediaElement | null) => {
          player.current = element;
        }}
        src={link.url}
        controls
        aria-label="Recording"
        onLoadedMetadata={seek}
        onError={renew}
        preload="metadata"
      />
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

/** A short-lived URL of the recording that a player may fetch without the key. */
async function mediaLink(contentUrl: string, signal?: AbortSignal): Promise<string> {
  const { url } = await api<{ url: string }>(`${contentUrl}-url`, {
    method: "POST",
    ...(signal ? { signal } : {}),
  });
  return url;
}
