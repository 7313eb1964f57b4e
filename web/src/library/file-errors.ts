// Why a file was not ingested, in words a person can act on, from the job result's error code (the
// server's own message follows for the details).

const words: Record<string, string> = {
  E_UNSUPPORTED_TYPE:
    "Verity cannot read this kind of file. It reads PDF, Word (.docx), HTML, Markdown, plain text, JSON Lines and audio or video recordings.",
  E_EMPTY: "The file has no text to index. A scanned PDF needs text recognition (OCR) first.",
  E_CORRUPT: "The file is damaged, or is not what its name says. Open it on your computer and save it again.",
  E_BINARY_CONTENT: "The file holds binary data where text was expected. Check that it is the right file.",
  E_ENCODING: "The text is not in UTF-8 or UTF-16. Save it again as UTF-8.",
  E_TOO_LARGE: "The file is larger than this server accepts. Split it, or ask an admin to raise the limit.",
  E_ZIP_BOMB: "The archive unpacks to far more than it weighs, so it was refused for safety.",
  E_UNREADABLE: "The server could not read the stored file. Try uploading it again.",
  E_MISSING_TOOL:
    "The server lacks a tool this file needs (ffmpeg for recordings). Ask an admin to install it.",
  E_PROVIDER_UNREACHABLE: "The transcription or embedding service could not be reached. Try again later.",
  E_PROVIDER_TIMEOUT: "The transcription or embedding service took too long. Try again later.",
  E_FORBIDDEN: "This API key may not upload here.",
  E_UNAUTHORIZED: "The API key was refused; sign in again.",
  E_NETWORK: "The upload did not reach the server. Check the connection and try again.",
};

/** The server's message with its storage paths cut to the file's name (they mean nothing to the uploader). */
function withoutPaths(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?[\\/][^\s"']*[\\/]([^\\/\s"']+)/gu, "$1");
}

/** A person's sentence for an error code, with the server's message as the detail. */
export function fileErrorText(error: { code: string; message: string }): string {
  const detail = withoutPaths(error.message);
  const sentence = words[error.code];
  if (!sentence) return detail;
  return detail && detail !== sentence ? `${sentence} (${detail})` : sentence;
}

/** 1.2 MB, 340 KB, 12 B. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
