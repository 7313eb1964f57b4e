// Sentences in a source that address a language model rather than a reader: prompt injection.
// They are data like any other text in the prompt, and the verifier never counts them as evidence,
// so an answer that obeys one is unsupported rather than "grounded" in the injected text.
const patterns = [
  /\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines|above|previous|prior|context)\b/iu,
  /\b(?:you are now|act as|pretend to be|from now on,? you)\b/iu,
  /\b(?:system prompt|developer message|assistant:|\[\/?inst\]|<\/?system>)/iu,
  /\b(?:respond|reply|answer|say|tell the user|output)\b.{0,30}\b(?:only|exactly|that|with)\b.{0,80}\b(?:regardless|no matter|instead|always)\b/iu,
  /\b(?:AI|assistant|language model|LLM|chatbot)s?\b.{0,40}\b(?:must|should|shall|will)\b/iu,
];

export function looksLikeInstruction(sentence: string): boolean {
  return patterns.some((pattern) => pattern.test(sentence));
}
