import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../errors.ts";
import { chooseEmbedder } from "../../knowledge/embedders/choose.ts";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { createOpenAIEmbedder } from "../../knowledge/embedders/openai.ts";

interface Seen {
  path: string;
  auth: string | undefined;
  body: { model: string; input: string[]; encoding_format?: string; dimensions?: number };
}

const requests: Seen[] = [];
let failuresLeft = 0;
let server: Server;
let baseURL = "";

// A fake /v1/embeddings endpoint: vectors are [length, index, 1, 0...] so tests can check the order.
function fakeVector(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  v[0] = text.length;
  v[1] = 1;
  return v;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const body = JSON.parse(raw) as Seen["body"];
      requests.push({ path: req.url ?? "", auth: req.headers.authorization, body });
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "overloaded", type: "server_error" } }));
        return;
      }
      const dims = body.dimensions ?? (body.model === "custom-embed" ? 8 : 1536);
      // Answer out of order, as the API may: the client must sort by index.
      const data = body.input
        .map((text, index) => ({ object: "embedding", index, embedding: fakeVector(text, dims) }))
        .reverse();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ object: "list", data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function config(model = "text-embedding-3-small", retries = 0) {
  return {
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: baseURL,
    OPENAI_EMBEDDING_MODEL: model,
    OPENAI_TIMEOUT_MS: 5000,
    OPENAI_MAX_RETRIES: retries,
  };
}

describe("OpenAI embedder against a local fake endpoint", () => {
  it("batches inputs, keeps their order, normalises vectors", async () => {
    requests.length = 0;
    const embedder = await createOpenAIEmbedder(config());
    expect(embedder).toMatchObject({ model: "openai:text-embedding-3-small", dims: 1536, kind: "semantic" });
    const texts = Array.from({ length: 200 }, (_, i) => "x".repeat(i + 1));
    const vectors = await embedder.embed(texts);
    expect(requests.map((r) => r.body.input.length)).toEqual([96, 96, 8]);
    expect(requests[0]).toMatchObject({ path: "/v1/embeddings", auth: "Bearer sk-test" });
    expect(requests[0]?.body.encoding_format).toBe("float");
    expect(vectors).toHaveLength(200);
    // Unnormalised [len, 1] -> len / sqrt(len^2 + 1): increasing with the text length, so order is kept.
    expect(vectors[0]?.[0]).toBeCloseTo(1 / Math.sqrt(2), 9);
    expect(vectors[199]?.[0]).toBeCloseTo(200 / Math.sqrt(200 * 200 + 1), 9);
  });

  it("asks text-embedding-3-large for 1,536 dimensions so HNSW can index them", async () => {
    requests.length = 0;
    const embedder = await createOpenAIEmbedder(config("text-embedding-3-large"));
    expect(embedder).toMatchObject({ model: "openai:text-embedding-3-large@1536", dims: 1536 });
    const [v] = await embedder.embed(["hello"]);
    expect(requests[0]?.body.dimensions).toBe(1536);
    expect(v).toHaveLength(1536);
  });

  it("probes the dimension of an unknown model once", async () => {
    requests.length = 0;
    const embedder = await createOpenAIEmbedder(config("custom-embed"));
    expect(embedder.dims).toBe(8);
    expect(requests).toHaveLength(1);
  });

  it("retries a 503 and then succeeds", async () => {
    requests.length = 0;
    failuresLeft = 1;
    const embedder = await createOpenAIEmbedder(config("text-embedding-3-small", 2));
    const vectors = await embedder.embed(["a", "b"]);
    expect(vectors).toHaveLength(2);
    expect(requests).toHaveLength(2);
  });

  it("reports an unreachable model as model_unavailable after its retries", async () => {
    failuresLeft = 10;
    const embedder = await createOpenAIEmbedder(config("text-embedding-3-small", 0));
    const error = await embedder.embed(["a"]).catch((e: unknown) => e);
    failuresLeft = 0;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("model_unavailable");
  });

  it("chooseEmbedder falls back to the lexical embedder without a key", async () => {
    expect(await chooseEmbedder({ ...config(), OPENAI_API_KEY: undefined })).toBe(lexicalEmbedder);
    expect((await chooseEmbedder(config())).kind).toBe("semantic");
  });
});
