export interface TranscriptSegment {
  startMs: number;
  endMs: number;
  text: string;
  confidence?: number;
  speaker?: string;
}

export interface Transcript {
  /** e.g. "openai-compatible:whisper-1@http://127.0.0.1:8080", "pocketsphinx" */
  engine: string;
  language?: string;
  durationMs: number;
  /** In time order, offsets relative to the start of the recording. */
  segments: TranscriptSegment[];
  /** True for the offline fallback (pocketsphinx). */
  lowAccuracy?: boolean;
}

export interface TranscribeProgress {
  processedMs: number;
  totalMs: number;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TranscribeProgress) => void;
  language?: string;
}

/** `wavPath`: 16 kHz mono 16-bit PCM WAV, as `decodeToWav` writes it. */
export interface Transcriber {
  readonly id: string;
  transcribe(wavPath: string, options?: TranscribeOptions): Promise<Transcript>;
}
