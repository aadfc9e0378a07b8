// CSV upload in Slack, step by step: a file arrives in a DM -> role and size checks -> download with the bot token
// -> entity (named by `/beacon import <entity>` or detected from the header) -> dry run -> preview with Import /
// Cancel (the clicks: import-decision.ts).
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { webApi } from "@slack/bolt";
import { detectEntity, type EntityDetection } from "../../db/import/detect.ts";
import { formatProblem } from "../../db/import/errors.ts";
import { IMPORT_ENTITIES, type ImportEntity, ImportValidationError, importCsv } from "../../derived/import.ts";
import { escapeControl } from "../render/escape.ts";
import { type EntityChoice, previewBlocks, problemBlocks, refusalBlocks } from "../render/import-preview.ts";
import { type BotDeps, friendlyError } from "./deps.ts";
import { importOptions, importPermission, post, type Rendered, type UploadPlace } from "./import-common.ts";
import { downloadFile, fileInfo, tooBig, UploadRefusal } from "./import-download.ts";
import {
  awaitFile,
  expireStalePreviews,
  finish,
  markPreviewed,
  recordFile,
  startUpload,
  type UploadRow,
} from "./import-uploads.queries.ts";

/** A file as a file_share message event carries it (files.info is asked for the rest). */
export interface SharedFile {
  id: string;
  name?: string | null;
  filetype?: string;
  size?: number;
}

/** Files people export tables as: these get an answer; anything else (images, PDFs) is left alone. */
const TABLE_FILE = /\.(csv|tsv|txt|xlsx|xls)$/i;
const TABLE_TYPES = new Set(["csv", "tsv", "text", "xlsx", "xls"]);

export function isTableFile(file: SharedFile): boolean {
  return TABLE_TYPES.has(file.filetype ?? "") || TABLE_FILE.test(file.name ?? "");
}

/** Slack may send a bare file id (file_access "check_file_info"): only files.info says what it is. */
export function mayBeTableFile(file: SharedFile): boolean {
  return isTableFile(file) || (!file.name && !file.filetype);
}

/** `/beacon import [entity]`: checks the role and the entity, then waits for the user's next file. */
export async function requestUpload(deps: BotDeps, user: string, channel: string, argText: string): Promise<string> {
  const refusal = await importPermission(deps, user);
  if (refusal) return `:no_entry: ${refusal}`;
  const word = argText.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  if (word !== "" && !(IMPORT_ENTITIES as readonly string[]).includes(word)) {
    return `Unknown entity \`${escapeControl(word)}\`; expected one of ${IMPORT_ENTITIES.join(", ")}, or nothing to let me detect it from the file's columns.`;
  }
  await awaitFile(deps.db.pool, user, channel, word === "" ? null : word);
  const as = word === "" ? "I will tell what it holds from its columns" : `I will read it as *${word}*`;
  const where = channel.startsWith("D") ? "here" : "in a direct message to me (Beacon under Apps)";
  return `Attach the CSV or TSV file ${where} within the hour: ${as}, check every row and show you a preview. Nothing is stored until you click Import.`;
}

/** A table file was shared in a DM with Beacon: check it and post the preview (or why not). */
export async function handleSharedFile(
  deps: BotDeps,
  client: webApi.WebClient,
  place: UploadPlace,
  shared: SharedFile,
): Promise<void> {
  const say = (rendered: Rendered) => post(client, place, rendered);
  try {
    // A bare id is described first, so an image shared that way is still left alone.
    const described = isTableFile(shared) ? null : await fileInfo(client, shared.id);
    if (described && !isTableFile(described)) return;
    const refusal = await importPermission(deps, place.user);
    if (refusal) {
      await say(refusalBlocks(refusal));
      return;
    }
    await sweepExpired(deps);
    const maxBytes = Math.floor(deps.config.BEACON_UPLOAD_MAX_MB * 1_048_576);
    const name = shared.name ?? shared.id;
    if ((shared.size ?? 0) > maxBytes) {
      await say(refusalBlocks(tooBig(name, shared.size ?? 0, maxBytes)));
      return;
    }
    const info = described ?? (await fileInfo(client, shared.id));
    if (info.size > maxBytes) {
      await say(refusalBlocks(tooBig(info.name, info.size, maxBytes)));
      return;
    }
    const upload = await startUpload(deps.db.pool, {
      uploader: place.user,
      channel: place.channel,
      threadTs: place.threadTs,
      fileId: info.id,
      fileName: info.name,
      bytes: info.size,
    });
    await checkUpload(deps, client, place, upload, info, maxBytes);
  } catch (error) {
    const message = error instanceof UploadRefusal ? error.message : friendlyError(error);
    if (!(error instanceof UploadRefusal)) deps.logger.error("checking an uploaded file failed", error);
    await say(refusalBlocks(message)).catch(() => undefined);
  }
}

/** Download, entity, dry run, preview: the upload ends 'previewed' or 'refused'. */
async function checkUpload(
  deps: BotDeps,
  client: webApi.WebClient,
  place: UploadPlace,
  upload: UploadRow,
  info: Awaited<ReturnType<typeof fileInfo>>,
  maxBytes: number,
): Promise<void> {
  // The upload and Slack file ids keep names unique; the user's file name keeps import_log readable.
  const safeName = info.name.replace(/[^\p{L}\p{N}._-]+/gu, "_").slice(-80);
  const path = join(uploadsDir(deps), `${upload.id}-${info.id}-${safeName}`);
  const refuse = async (rendered: Rendered, result: unknown) => {
    await rm(path, { force: true });
    await finish(deps.db.pool, upload.id, "refused", result);
    await post(client, place, rendered);
  };
  let downloaded: { bytes: number; sha256: string };
  try {
    downloaded = await downloadFile(info, deps.config.SLACK_BOT_TOKEN ?? "", path, maxBytes);
  } catch (error) {
    if (!(error instanceof UploadRefusal)) throw error;
    await refuse(refusalBlocks(error.message), { error: error.message });
    return;
  }
  let choice: EntityChoice;
  try {
    choice = await chooseEntity(upload, path);
  } catch (error) {
    if (error instanceof ImportValidationError) {
      // Not a readable CSV at all (a workbook, GBK text, an empty file): the reader says what it is and what to do.
      const reasons = error.problems.map(formatProblem).join("; ");
      await refuse(refusalBlocks(`${escapeControl(info.name)}: ${escapeControl(reasons)}`), {
        problems: error.problems,
      });
      return;
    }
    if (error instanceof UploadRefusal) {
      await refuse(refusalBlocks(error.message), { error: error.message });
      return;
    }
    throw error;
  }
  await recordFile(deps.db.pool, upload.id, {
    path,
    sha256: downloaded.sha256,
    entity: choice.entity,
    source: choice.detection ? "detected" : "named",
  });
  try {
    const report = await importCsv(deps.db, choice.entity as ImportEntity, path, importOptions(deps, true));
    const rendered = previewBlocks(upload.id, info.name, choice, report);
    const ts = await post(client, place, rendered);
    await markPreviewed(deps.db.pool, upload.id, ts, report);
  } catch (error) {
    if (error instanceof ImportValidationError) {
      await refuse(problemBlocks(info.name, choice, error.problems, error.total), { problems: error.problems });
      return;
    }
    if (error instanceof UploadRefusal) {
      await refuse(refusalBlocks(error.message), { error: error.message });
      return;
    }
    await rm(path, { force: true });
    await finish(deps.db.pool, upload.id, "failed", { error: String(error) });
    throw error;
  }
}

/** The entity named with `/beacon import <entity>`, else the unambiguous detection; else why not. */
async function chooseEntity(upload: UploadRow, path: string): Promise<EntityChoice> {
  if (upload.entity && upload.entity_source === "named") return { entity: upload.entity, detection: null };
  const detection: EntityDetection = await detectEntity(path);
  const proposal = detection.proposal;
  if (!proposal) {
    throw new UploadRefusal(
      `I cannot tell what ${escapeControl(upload.file_name ?? "this file")} holds: ${escapeControl(detection.summary)}. Run \`/beacon import &lt;entity&gt;\` (${IMPORT_ENTITIES.join(", ")}) and attach it again.`,
    );
  }
  if (proposal.accepted === "with --channel") {
    throw new UploadRefusal(
      `${escapeControl(upload.file_name ?? "This file")} looks like ${proposal.entity} from one platform, but it has no channel column and its header names no platform. Import it on the server with \`beacon import ${proposal.entity} &lt;file&gt; --channel CODE\`, or add a channel column.`,
    );
  }
  return { entity: proposal.entity, detection };
}

function uploadsDir(deps: BotDeps): string {
  const dataDir = deps.config.BEACON_DATA_DIR;
  return dataDir.startsWith("memory://") ? join(tmpdir(), "beacon-uploads") : resolve(dataDir, "uploads");
}

async function sweepExpired(deps: BotDeps): Promise<void> {
  for (const path of await expireStalePreviews(deps.db.pool)) await rm(path, { force: true }).catch(() => undefined);
}
