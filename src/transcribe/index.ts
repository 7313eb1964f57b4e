// The transcribe layer's public API: the Transcriber seam, its engines and the ffmpeg audio tools.
export {
  type DecodedAudio,
  type DecodeOptions,
  decodeToWav,
  detectSilences,
  type FfmpegTools,
  type ProbedAudio,
  type ProbeOptions,
  probeAudio,
  type SilenceInterval,
  type SilenceOptions,
} from "./ffmpeg.js";
export type { FetchFunction, TranscriptionHttpSettings } from "./http.js";
export {
  createOpenAiCompatibleTranscriber,
  defaultMaxBytesPerRequest,
  type OpenAiCompatibleTranscriberOptions,
} from "./openai-compatible.js";
export { type PiecePlanInput, planPieces, type SampleRange } from "./plan-pieces.js";
export {
  createPocketsphinxTranscriber,
  type PocketsphinxTranscriberOptions,
  pocketsphinxDefaults,
} from "./pocketsphinx.js";
export type {
  TranscribeOptions,
  TranscribeProgress,
  Transcriber,
  Transcript,
  TranscriptSegment,
} from "./transcriber.js";
export { createTranscriberFromSpec } from "./transcriber-spec.js";
export { cutWav, readWavInfo, type WavInfo, type WavPiece } from "./wav.js";
export { createWhisperCppTranscriber, type WhisperCppTranscriberOptions } from "./whisper-cpp.js";
