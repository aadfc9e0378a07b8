import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { type Database, withTransaction } from "../db/pool.ts";
import { AppError } from "../errors.ts";
import { type Chunk, type ChunkOptions, chunkDocument, citationId, DEFAULT_CHUNK_OPTIONS, sha256 } from "./chunk.ts";
import { type KnowledgeLang, parseDocument } from "./document.ts";
import { type Embedder, toVectorLiteral } from "./embedders/embedder.ts";
import {
  addTermCounts,
  analyzeKnowledgeTables,
  type ChunkRow,
  deleteChunksOf,
  deleteDocuments,
  dropVectorIndex,
  ensureVectorIndex,
  fetchChunksWithoutEmbedding,
  fetchDocumentsUnder,
  insertChunks,
  insertEmbeddings,
  upsertDocument,
} from "./knowledge.queries.ts";
import { PDF_READER_VERSION, pdfToMarkdown } from "./pdf.ts";
import { searchTokens } from "./segment.ts";

/** Bumped when chunking or tokenising changes, so unchanged files are re-chunked once. */
export const CHUNKER_VERSION = "chunker-1";
const EXTENSIONS = new Set([".md", ".markdown", ".txt", ".pdf"]);
const BACKFILL_BATCH = 256;
/** At least this many new or changed files (and as many as already stored) make a load a bulk load. */
const BULK_MIN_FILES = 200;

export interface IngestOptions {
  /** Stored paths are `<collection>/<path inside the folder>`; deletions only touch this collection. */
  collection?: string;
  /** Every embedder whose vectors should exist for every chunk (the lexical one always, OpenAI when configured). */
  embedders: readonly Embedder[];
  chunkOptions?: ChunkOptions;
  onProgress?: (message: string) => void;
}

export interface IngestReport {
  collection: string;
  files: number;
  added: string[];
  updated: string[];
  unchanged: number;
  deleted: string[];
  chunks_written: number;
  /** Vectors computed per model (new chunks, plus existing chunks that lacked this model's vectors). */
  embedded: Record<string, number>;
}

/** A file ready to store: its document fields and chunks. */
export interface PreparedFile {
  path: string;
  title: string;
  lang: KnowledgeLang;
  tags: string[];
  contentHash: string;
  chunks: (ChunkRow & { embedText: string })[];
}

/** Markdown, text and PDF files under `root` (or `root` itself when it is a file), sorted, hidden entries skipped. */
export function listKnowledgeFiles(root: string): string[] {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (!stat) {
    throw new AppError("invalid_input", `path: ${root} does not exist; give a folder of .md, .txt or .pdf files`);
  }
  if (stat.isFile()) return [root];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (EXTENSIONS.has(entry.name.slice(entry.name.lastIndexOf(".")).toLowerCase())) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/** A knowledge file as ingestion first sees it: the hash that decides whether it changed, and its text on demand. */
export interface KnowledgeFile {
  contentHash: string;
  /** UTF-8 for Markdown and text; Markdown with `## Page N` sections for PDFs. */
  text(): Promise<string>;
}

/**
 * Reads a knowledge file. Markdown and text are hashed over their text; PDFs over their bytes (with the reader's
 * version), so an unchanged PDF is skipped without being parsed again.
 */
export function readKnowledgeFile(file: string): KnowledgeFile {
  const bytes = readFileSync(file);
  if (file.toLowerCase().endsWith(".pdf")) {
    return { contentHash: fileHash(bytes, PDF_READER_VERSION), text: () => pdfToMarkdown(bytes, file) };
  }
  const text = bytes.toString("utf8");
  return { contentHash: fileHash(text), text: async () => text };
}

/** The text embedded for a chunk: title and headings give short passages their context. */
export function embedText(title: string, headingPath: readonly string[], content: string): string {
  return [headingPath.length > 0 ? "" : title, headingPath.join(" > "), content].filter(Boolean).join("\n");
}

/** Parses and chunks one file's text (pure: no I/O); `contentHash` defaults to the text's. */
export function prepareFile(
  path: string,
  raw: string,
  options: ChunkOptions = DEFAULT_CHUNK_OPTIONS,
  contentHash = fileHash(raw),
): PreparedFile {
  const doc = parseDocument(basename(path), raw);
  const seen = new Map<string, number>();
  const chunks = chunkDocument(doc.body, doc.title, options).map((chunk: Chunk) => {
    let id = citationId(path, chunk.headingPath, chunk.content);
    // The same passage twice under one heading would share an id; number the repeats.
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) id = `${id}-${n}`;
    const text = embedText(doc.title, chunk.headingPath, chunk.content);
    return {
      position: chunk.position,
      headingPath: chunk.headingPath,
      content: chunk.content,
      contentHash: sha256(chunk.content),
      citationId: id,
      searchTokens: searchTokens(text).join(" "),
      embedText: text,
    };
  });
  return { path, title: doc.title, lang: doc.lang, tags: doc.tags, contentHash, chunks };
}

/** A file's content hash: its text, or its bytes plus the version of the reader that turns them into text. */
function fileHash(content: string | Uint8Array, reader?: string): string {
  const hash = createHash("sha256").update(`${CHUNKER_VERSION}\u0000`);
  if (reader) hash.update(`${reader}\u0000`);
  return hash.update(content).digest("hex");
}

/** Stores one prepared file: document row, chunks and vectors replace the old ones in one transaction. */
export async function storeFile(db: Database, file: PreparedFile, embedders: readonly Embedder[]): Promise<void> {
  const vectors = new Map<string, string[]>();
  for (const embedder of embedders) {
    const computed = await embedder.embed(file.chunks.map((c) => c.embedText));
    vectors.set(embedder.model, computed.map(toVectorLiteral));
  }
  await withTransaction(db.pool, async (client) => {
    const documentId = await upsertDocument(client, file);
    await deleteChunksOf(client, documentId);
    const ids = await insertChunks(client, documentId, file.chunks);
    await addTermCounts(client, [documentId], 1);
    for (const embedder of embedders) {
      await insertEmbeddings(client, embedder.model, embedder.dims, ids, vectors.get(embedder.model) ?? []);
    }
  });
}

/**
 * Ingests a folder idempotently: unchanged files (same content hash) are skipped, changed files replace their
 * chunks in one transaction, files gone from the folder are deleted, and chunks missing a vector of any
 * embedder (after switching models) are embedded.
 */
export async function ingestFolder(db: Database, root: string, options: IngestOptions): Promise<IngestReport> {
  const files = listKnowledgeFiles(root);
  const isFile = statSync(root).isFile();
  const collection = options.collection ?? basename(isFile ? join(root, "..") : root);
  const prefix = `${collection}/`;
  const progress = options.onProgress ?? (() => undefined);

  const stored = new Map((await fetchDocumentsUnder(db.pool, prefix)).map((d) => [d.path, d]));
  const report: IngestReport = {
    collection,
    files: files.length,
    added: [],
    updated: [],
    unchanged: 0,
    deleted: [],
    chunks_written: 0,
    embedded: {},
  };
  const pending: { path: string; raw: string; contentHash: string }[] = [];
  const present = new Set<string>();
  for (const file of files) {
    const path = prefix + (isFile ? basename(file) : relative(root, file).split(sep).join("/"));
    present.add(path);
    const read = readKnowledgeFile(file);
    if (stored.get(path)?.content_hash === read.contentHash) report.unchanged++;
    // Changed files are read (PDFs parsed) here, so an unreadable one stops the ingest before anything is stored.
    else pending.push({ path, raw: await read.text(), contentHash: read.contentHash });
  }
  // A first load of many files: building the HNSW graph once afterwards is several times faster than inserting.
  const bulk = pending.length >= BULK_MIN_FILES && pending.length >= stored.size;
  for (const embedder of options.embedders) {
    await withTransaction(db.pool, async (client) => {
      if (bulk) await dropVectorIndex(client, embedder.model, embedder.dims);
      else await ensureVectorIndex(client, embedder.model, embedder.dims);
    });
  }
  try {
    for (const { path, raw, contentHash } of pending) {
      const prepared = prepareFile(path, raw, options.chunkOptions, contentHash);
      await storeFile(db, prepared, options.embedders);
      report.chunks_written += prepared.chunks.length;
      for (const e of options.embedders)
        report.embedded[e.model] = (report.embedded[e.model] ?? 0) + prepared.chunks.length;
      const existed = stored.has(path);
      (existed ? report.updated : report.added).push(path);
      if (!bulk) progress(`${existed ? "updated" : "added"} ${path} (${prepared.chunks.length} chunks)`);
    }
    // A single-file ingest must not delete the rest of its folder's collection.
    const gone = isFile ? [] : [...stored.values()].filter((d) => !present.has(d.path));
    if (gone.length > 0) {
      await withTransaction(db.pool, (client) =>
        deleteDocuments(
          client,
          gone.map((d) => d.id),
        ),
      );
      report.deleted = gone.map((d) => d.path);
      progress(`deleted ${report.deleted.join(", ")}`);
    }
    for (const embedder of options.embedders) {
      const added = await backfillEmbeddings(db, embedder);
      if (added > 0) report.embedded[embedder.model] = (report.embedded[embedder.model] ?? 0) + added;
    }
  } finally {
    if (bulk) {
      progress(`building the HNSW index of ${options.embedders.length} embedding model(s)`);
      for (const embedder of options.embedders) {
        await withTransaction(db.pool, (client) => ensureVectorIndex(client, embedder.model, embedder.dims));
      }
    }
  }
  if (bulk)
    progress(`${report.added.length} added, ${report.updated.length} updated (${report.chunks_written} chunks)`);
  if (pending.length > 0 || report.deleted.length > 0) await analyzeKnowledgeTables(db.pool);
  return report;
}

/** Embeds every chunk that has no vector of this embedder's model yet; returns how many. */
export async function backfillEmbeddings(db: Database, embedder: Embedder): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = await fetchChunksWithoutEmbedding(db.pool, embedder.model, BACKFILL_BATCH);
    if (batch.length === 0) return total;
    const vectors = await embedder.embed(batch.map((c) => embedText(c.title, c.heading_path, c.content)));
    await insertEmbeddings(
      db.pool,
      embedder.model,
      embedder.dims,
      batch.map((c) => c.id),
      vectors.map(toVectorLiteral),
    );
    total += batch.length;
  }
}
