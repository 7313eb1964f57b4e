// Chinese and Japanese documents, which put no spaces between words: searchable and answerable in a
// collection created with the `cjk` tokenizer, which indexes their text as overlapping character pairs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokens } from "../src/core/terms.js";
import { createVerity, type Verity } from "../src/engine.js";

const documents: Record<string, string> = {
  "peking-university.md":
    "# 北京大学\n\n北京大学创办于1898年，初名京师大学堂，是中国近代第一所国立综合性大学。学校位于北京市海淀区颐和园路5号。\n",
  "tea.md":
    "# 茶的历史\n\n茶起源于中国，最早被用作药物。唐代陆羽撰写了《茶经》，这是世界上第一部关于茶的专著。\n",
  "fuji.md":
    "# 富士山\n\n富士山は静岡県と山梨県にまたがる活火山で、標高は3776メートルです。最後の噴火は1707年の宝永大噴火です。\n",
  "shinkansen.md":
    "# 新幹線\n\n東海道新幹線は1964年10月1日に開業しました。東京駅と新大阪駅を結び、最高速度は時速285キロメートルです。\n",
  "lighthouse.md": "# Lighthouse\n\nThe lighthouse keeper lights the lamp at dusk.\n",
};

let dir: string;
let verity: Verity;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-cjk-"));
  mkdirSync(join(dir, "docs"));
  for (const [name, text] of Object.entries(documents)) writeFileSync(join(dir, "docs", name), text);
  verity = createVerity({ dataDir: join(dir, "data") });
  await verity.ingest([join(dir, "docs")], { collection: "cjk", tokenizer: "cjk" });
  await verity.ingest([join(dir, "docs")], { collection: "plain" });
});

afterAll(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

async function answerTo(question: string, collection = "cjk") {
  const answer = await verity.ask(question, { collection });
  return {
    status: answer.status,
    text: answer.sentences.map((sentence) => sentence.text).join(" "),
    sources: answer.sentences.flatMap((sentence) => sentence.citations.map((citation) => citation.source)),
  };
}

describe("the cjk tokenizer", () => {
  it("splits runs of CJK letters into overlapping pairs and leaves other words whole", () => {
    expect(tokens("富士山は3776メートル, Mount Fuji")).toEqual([
      "富士",
      "士山",
      "山は",
      "3776",
      "メー",
      "ート",
      "トル",
      "mount",
      "fuji",
    ]);
  });

  it("answers a Chinese question from the Chinese document, citing it", async () => {
    const answer = await answerTo("北京大学是哪一年创办的？");
    expect(answer.status).toBe("answered");
    expect(answer.text).toContain("1898年");
    expect(answer.sources).toEqual([expect.stringMatching(/peking-university\.md$/)]);
  });

  it("answers a Japanese question from the Japanese document, citing it", async () => {
    const answer = await answerTo("富士山の標高は何メートルですか？");
    expect(answer.status).toBe("answered");
    expect(answer.text).toContain("3776メートル");
    expect(answer.sources).toEqual([expect.stringMatching(/fuji\.md$/)]);
  });

  it("answers from the right Japanese document among several", async () => {
    const answer = await answerTo("東海道新幹線はいつ開業しましたか？");
    expect(answer.status).toBe("answered");
    expect(answer.text).toContain("1964年10月1日");
    expect(answer.sources).toEqual([expect.stringMatching(/shinkansen\.md$/)]);
  });

  it("says it does not know when no document is about the question", async () => {
    expect((await answerTo("量子计算机的原理是什么？")).status).toBe("abstained");
  });

  it("still finds English words in a cjk collection", async () => {
    const answer = await answerTo("When does the keeper light the lamp?");
    expect(answer.status).toBe("answered");
    expect(answer.sources).toEqual([expect.stringMatching(/lighthouse\.md$/)]);
  });

  it("is what makes Chinese searchable: a default collection finds nothing for the same question", async () => {
    const search = async (collection: string) =>
      (await verity.store.searchBm25({ collection, terms: tokens("北京大学"), limit: 5 })).length;
    expect(await search("cjk")).toBe(1);
    expect(await search("plain")).toBe(0);
  });

  it("is stored with the collection, so later ingests need not repeat it", async () => {
    expect(await verity.store.collectionSettings("cjk")).toEqual({ tokenizer: "cjk" });
    expect(await verity.store.collectionSettings("plain")).toEqual({ tokenizer: "default" });
    writeFileSync(join(dir, "docs", "more.md"), "# 长城\n\n长城是中国古代的军事防御工程。\n");
    await verity.ingest([join(dir, "docs", "more.md")], { collection: "cjk" });
    expect((await answerTo("长城是什么？")).sources).toEqual([expect.stringMatching(/more\.md$/)]);
  });

  it("cannot be changed on an existing collection, and the error says what to do instead", async () => {
    await expect(
      verity.ingest([join(dir, "docs")], { collection: "plain", tokenizer: "cjk" }),
    ).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      option: "tokenizer",
      message: expect.stringContaining("ingest into a new collection"),
    });
  });
});
