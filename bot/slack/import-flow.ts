// CSV upload in Slack, step by step: a file arrives in a DM -> role and size checks -> download with the bot token
// -> entity (named by `/beacon import <entity>` or detected from the header) -> dry run -> preview with Import /
// Cancel. Import runs the same all-or-nothing import; each click moves the upload's row on once (import_uploads).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { types, webApi } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import { detectEntity, type EntityDetection } from "../../db/import/detect.ts";
import { formatProblem } from "../../db/import/errors.ts";
import {
  IMPORT_ENTITIES,
  type ImportEntity,
  type ImportOptions,
  ImportValidationError,
  importCsv,
} from "../../db/import/index.ts";
import { escapeControl } from "../render/escape.ts";
import {
  decidedBlocks,
  type EntityChoice,
  previewBlocks,
  problemBlocks,
  refusalBlocks,
  resultText,
} from "../render/import-preview.ts";
import { type BotDeps, friendlyError } from "./deps.ts";
import { downloadFile, fileInfo, tooBig, UploadRefusal } from "./import-download.ts";
import {
  awaitFile,
  claimDecision,
  expireStalePreviews,
  findUpload,
  finish,
  markPreviewed,
  PREVIEW_HOURS,
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

/** Where a file was shared: the uploader, the DM and the thread the preview goes to. */
export interface UploadPlace {
  user: string;
  channel: string;
  threadTs: string;
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

/** Whether `user` may import from Slack (BEACON_IMPORT_ROLES), and the refusal to show when not. */
async function importPermission(deps: BotDeps, user: string): Promise<string | null> {
  const caller = await resolveCaller(deps.db.pool, user, deps.config.BEACON_DEFAULT_ROLE);
  const allowed: readonly string[] = deps.config.BEACON_IMPORT_ROLES;
  if (allowed.includes(caller.role)) return null;
  return `Only ${allowed.join(" and ")} users can import data into Beacon (BEACON_IMPORT_ROLES); your role is ${caller.role}. Ask an admin to upload the file, or to change your role.`;
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
  const say = (rendered: { blocks: types.KnownBlock[]; text: string }) => post(client, place, rendered);
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
  const refuse = async (rendered: { blocks: types.KnownBlock[]; text: string }, result: unknown) => {
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
      `I cannot tell what ${escapeControl(upload.file_name ?? "this file")} holds: ${escapeControl(detection.summary)}. Run \`/beacon import <entity>\` (${IMPORT_ENTITIES.join(", ")}) and attach it again.`,
    );
  }
  if (proposal.accepted === "with --channel") {
    throw new UploadRefusal(
      `${escapeControl(upload.file_name ?? "This file")} looks like ${proposal.entity} from one platform, but it has no channel column and its header names no platform. Import it on the server with \`beacon import ${proposal.entity} <file> --channel CODE\`, or add a channel column.`,
    );
  }
  return { entity: proposal.entity, detection };
}

/** Import clicked: the same import without dry run, once, by the uploader; the preview becomes the outcome. */
export async function confirmImport(
  deps: BotDeps,
  client: webApi.WebClient,
  click: { uploadId: string; user: string; channel: string; messageTs?: string; blocks?: types.KnownBlock[] },
): Promise<void> {
  const tell = (text: string) => deps.delivery.ephemeral(click.channel, click.user, text);
  const refusal = await importPermission(deps, click.user);
  if (refusal) return tell(`:no_entry: ${refusal}`);
  const current = await findUpload(deps.db.pool, click.uploadId);
  if (!current) return tell("That upload is not known to Beacon any more; upload the file again.");
  if (current.uploader !== click.user)
    return tell(`Only <@${current.uploader}>, who uploaded the file, can import it.`);
  const upload = await claimDecision(deps.db.pool, click.uploadId, "importing", click.user);
  if (!upload) return tell(stateText(await findUpload(deps.db.pool, click.uploadId)));
  const name = upload.file_name ?? "the file";
  const place = { user: click.user, channel: upload.channel_id, threadTs: upload.thread_ts ?? click.messageTs ?? "" };
  const outcome = await runImport(deps, upload);
  await rm(upload.file_path ?? "", { force: true }).catch(() => undefined);
  if (outcome.ok) {
    await finish(deps.db.pool, upload.id, "imported", outcome.report, click.user);
    await update(client, click, decidedBlocks(click.blocks, resultText(name, outcome.report, click.user)));
    await post(client, place, { blocks: [], text: resultText(name, outcome.report, click.user) });
    return;
  }
  await finish(deps.db.pool, upload.id, "failed", outcome.result, click.user);
  await update(client, click, decidedBlocks(click.blocks, `:x: Import failed; nothing was stored. ${outcome.message}`));
  await post(client, place, outcome.rendered);
}

type ImportOutcome =
  | { ok: true; report: Awaited<ReturnType<typeof importCsv>> }
  | { ok: false; message: string; result: unknown; rendered: { blocks: types.KnownBlock[]; text: string } };

async function runImport(deps: BotDeps, upload: UploadRow): Promise<ImportOutcome> {
  const name = upload.file_name ?? "the file";
  const fail = (message: string): ImportOutcome => ({
    ok: false,
    message,
    result: { error: message },
    rendered: refusalBlocks(message),
  });
  if (!upload.file_path || !upload.entity) return fail("The uploaded copy is gone; upload the file again.");
  const sha = await sha256Of(upload.file_path).catch(() => null);
  if (sha === null)
    return fail(
      `The uploaded copy of ${escapeControl(name)} is gone (was Beacon moved or its data directory cleaned?); upload it again.`,
    );
  if (sha !== upload.file_sha256)
    return fail(`The uploaded copy of ${escapeControl(name)} changed since the preview; upload it again.`);
  try {
    const report = await importCsv(
      deps.db,
      upload.entity as ImportEntity,
      upload.file_path,
      importOptions(deps, false),
    );
    return { ok: true, report };
  } catch (error) {
    if (error instanceof ImportValidationError) {
      const choice = { entity: upload.entity, detection: null };
      return {
        ok: false,
        message: `${error.total} problem(s) found (the data changed since the preview?).`,
        result: { problems: error.problems },
        rendered: problemBlocks(name, choice, error.problems, error.total),
      };
    }
    if (error instanceof UploadRefusal) return fail(error.message);
    deps.logger.error(`importing upload ${upload.id} failed`, error);
    return fail(friendlyError(error));
  }
}

/** Cancel clicked: nothing stored, the copy deleted, the preview says so. */
export async function cancelImport(
  deps: BotDeps,
  client: webApi.WebClient,
  click: { uploadId: string; user: string; channel: string; messageTs?: string; blocks?: types.KnownBlock[] },
): Promise<void> {
  const tell = (text: string) => deps.delivery.ephemeral(click.channel, click.user, text);
  const current = await findUpload(deps.db.pool, click.uploadId);
  if (!current) return tell("That upload is not known to Beacon any more.");
  if (current.uploader !== click.user)
    return tell(`Only <@${current.uploader}>, who uploaded the file, can cancel it.`);
  const upload = await claimDecision(deps.db.pool, click.uploadId, "cancelled", click.user);
  if (!upload) return tell(stateText(await findUpload(deps.db.pool, click.uploadId)));
  await rm(upload.file_path ?? "", { force: true }).catch(() => undefined);
  await finish(deps.db.pool, upload.id, "cancelled", null, click.user);
  const name = escapeControl(upload.file_name ?? "the file");
  await update(
    client,
    click,
    decidedBlocks(
      click.blocks,
      `:no_entry_sign: Cancelled by <@${click.user}>: nothing from ${name} was stored, and Beacon's copy is deleted.`,
    ),
  );
}

/** Why a click found nothing to do: the upload's state in words. */
function stateText(upload: UploadRow | null): string {
  if (!upload) return "That upload is not known to Beacon any more.";
  const by = upload.decided_by ? ` by <@${upload.decided_by}>` : "";
  switch (upload.status) {
    case "importing":
      return `This file is being imported${by} (started ${upload.updated_at}); the result follows in the thread.`;
    case "imported":
      return `This file was already imported${by} at ${upload.updated_at}; nothing was imported twice.`;
    case "cancelled":
      return `This upload was cancelled${by} at ${upload.updated_at}; upload the file again to import it.`;
    case "failed":
      return `The import of this file failed at ${upload.updated_at}; nothing was stored. Upload it again.`;
    default:
      return `This preview expired (previews last ${PREVIEW_HOURS} hours) or is no longer open; upload the file again.`;
  }
}

function importOptions(deps: BotDeps, dryRun: boolean): ImportOptions {
  const maxRows = deps.config.BEACON_UPLOAD_MAX_ROWS;
  return {
    dryRun,
    timezone: deps.config.BEACON_TIMEZONE,
    baseCurrency: deps.config.BEACON_CURRENCY,
    phoneRegion: deps.config.BEACON_DEFAULT_PHONE_REGION,
    // Stops the dry run (rolled back) as soon as the file passes the row limit, rather than reading all of it.
    onProgress: ({ rows }) => {
      if (rows > maxRows) {
        throw new UploadRefusal(
          `The file has more than ${maxRows.toLocaleString("en-US")} data rows, the limit for uploads in Slack (BEACON_UPLOAD_MAX_ROWS). Split it, or import it on the server with \`beacon import <entity> <file>\`.`,
        );
      }
    },
  };
}

function uploadsDir(deps: BotDeps): string {
  const dataDir = deps.config.BEACON_DATA_DIR;
  return dataDir.startsWith("memory://") ? join(tmpdir(), "beacon-uploads") : resolve(dataDir, "uploads");
}

async function sweepExpired(deps: BotDeps): Promise<void> {
  for (const path of await expireStalePreviews(deps.db.pool)) await rm(path, { force: true }).catch(() => undefined);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function post(
  client: webApi.WebClient,
  place: UploadPlace,
  rendered: { blocks: types.KnownBlock[]; text: string },
): Promise<string | undefined> {
  const response = await client.chat.postMessage({
    channel: place.channel,
    thread_ts: place.threadTs || undefined,
    text: rendered.text,
    ...(rendered.blocks.length > 0 ? { blocks: rendered.blocks } : {}),
    unfurl_links: false,
    unfurl_media: false,
  });
  return response.ts;
}

async function update(
  client: webApi.WebClient,
  click: { channel: string; messageTs?: string },
  rendered: { blocks: types.KnownBlock[]; text: string },
): Promise<void> {
  if (!click.messageTs) return;
  await client.chat.update({
    channel: click.channel,
    ts: click.messageTs,
    text: rendered.text,
    blocks: rendered.blocks,
  });
}
