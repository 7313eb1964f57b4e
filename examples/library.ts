// Verity as a library: a model catalogue, an embedder, ingest, and a question whose verified
// sentences stream in, then the answer's citations and trace. Run it beside a `docs/` folder and a
// `models.json` (see "Models" in the README), with Ollama (or any server the specs name) running.
import {
  createEmbedderFromSpec,
  createVerity,
  isVerityError,
  loadModelCatalogue,
  type ModelCatalogue,
} from "verity";

// The models Verity may answer with, cheapest first; keys come from `env`, never from the file.
const models: ModelCatalogue = loadModelCatalogue("models.json");
// Vectors for hybrid search, from a local embedding model (VERITY_EMBEDDER names another).
const embedder = createEmbedderFromSpec(process.env.VERITY_EMBEDDER ?? "ollama:nomic-embed-text", {
  env: process.env,
});

const verity = createVerity({ dataDir: ".verity", models, embedder, env: process.env });
try {
  const ingested = await verity.ingest(["docs"], { collection: "handbook" });
  console.log(`ingested ${ingested.files} files: ${ingested.added} added, ${ingested.failed} failed`);

  // Embed the collection once and search it hybrid from now on; later ingests embed new chunks.
  const { space } = await verity.reindex({ collection: "handbook" });
  verity.store.activateSpace("handbook", space.name);

  const answer = await verity.ask("How many vacation days do new staff get?", {
    collection: "handbook",
    // Each sentence arrives once it has been checked against the passage it cites.
    onSentence: (sentence) => console.log(`> ${sentence.text}`),
  });
  if (answer.status === "answered") {
    for (const sentence of answer.sentences) {
      for (const citation of sentence.citations) {
        const { charStart, charEnd, page } = citation.location;
        console.log(`  cites ${citation.source} [${charStart}-${charEnd}]${page ? ` page ${page}` : ""}`);
        console.log(`  "${citation.quote}" (${sentence.verification?.verdict ?? "quoted verbatim"})`);
      }
    }
  } else {
    // "I don't know": why, and the closest sources to read instead.
    console.log(`I don't know: ${answer.abstention?.detail}`);
    for (const source of answer.abstention?.closestSources ?? []) console.log(`  closest: ${source.source}`);
  }
  const { answerer, retrieval, totalMs, costUsd } = answer.trace;
  console.log(`answered by ${answerer} (${retrieval} retrieval) in ${totalMs} ms for $${costUsd ?? 0}`);
} catch (error) {
  // Every failure is a VerityError with a stable code and a message that says what to do.
  if (!isVerityError(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await verity.close();
}
