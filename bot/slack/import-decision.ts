// The preview's buttons: Import runs the same all-or-nothing import once, by the uploader; Cancel stores nothing.
// Each click moves the upload's row on in one conditional update, so a double click or a retry finds it decided.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { types, webApi } from "@slack/bolt";
import { type ImportEntity, ImportValidationError, importCsv } from "../../derived/import.ts";
import { escapeControl } from "../render/escape.ts";
import { decidedBlocks, problemBlocks, refusalBlocks, resultText } from "../render/import-preview.ts";
import { type BotDeps, friendlyError } from "./deps.ts";
import { importOptions, importPermission, post, type Rendered } from "./import-common.ts";
import { UploadRefusal } from "./import-download.ts";
import {
  claimDecision,
  findUpload,
  finish,
  PREVIEW_HOURS,
  STALE_IMPORT_MINUTES,
  type UploadRow,
} from "./import-uploads.queries.ts";
import { updateWithinLimits } from "./post-within-limits.ts";

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
  | { ok: false; message: string; result: unknown; rendered: Rendered };

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
      return `This file is being imported${by} (started ${upload.updated_at}); the result follows in the thread. If nothing comes (Beacon restarted), click Import again ${STALE_IMPORT_MINUTES} minutes after the start.`;
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

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function update(
  client: webApi.WebClient,
  click: { channel: string; messageTs?: string },
  rendered: Rendered,
): Promise<void> {
  if (!click.messageTs) return;
  // The decided preview keeps the preview's blocks plus a line: fitted like every message Beacon sends.
  await updateWithinLimits(client, { channel: click.channel, ts: click.messageTs }, rendered, { logger: console });
}
