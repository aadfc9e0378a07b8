import type { App, BlockButtonAction, types, webApi } from "@slack/bolt";
import { IMPORT_ACTIONS } from "../render/import-preview.ts";
import type { BotDeps } from "../slack/deps.ts";
import { cancelImport, confirmImport } from "../slack/import-decision.ts";
import { handleSharedFile, mayBeTableFile, type SharedFile } from "../slack/import-flow.ts";

/** What a file_share message event carries that the upload flow reads. */
export interface FileShareMessage {
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  ts: string;
  thread_ts?: string;
  files?: SharedFile[];
}

/**
 * A file shared in a DM with Beacon: Bolt 5 delivers it as a `message` event with subtype `file_share` (message.im),
 * to this listener at the top level of the DM and to the assistant's userMessage inside a thread. Table files
 * (CSV, TSV, workbooks) start the import preview; other files are left alone.
 */
export function handleFileShare(deps: BotDeps, client: webApi.WebClient, message: FileShareMessage): boolean {
  if (message.subtype !== "file_share" || message.channel_type !== "im" || !message.user) return false;
  const files = (message.files ?? []).filter(mayBeTableFile);
  if (files.length === 0) return false;
  const place = { user: message.user, channel: message.channel, threadTs: message.thread_ts ?? message.ts };
  deps.background(async () => {
    for (const file of files) await handleSharedFile(deps, client, place, file);
  });
  return true;
}

/** The DM file_share listener and the Import / Cancel buttons of the preview (acked by the dedupe middleware). */
export function registerFileUpload(app: App, deps: BotDeps): void {
  app.message(async ({ message, client }) => {
    handleFileShare(deps, client, message as unknown as FileShareMessage);
  });
  const click = (body: BlockButtonAction, value: string) => ({
    uploadId: value,
    user: body.user.id,
    channel: body.channel?.id ?? "",
    messageTs: body.message?.ts,
    blocks: body.message?.blocks as types.KnownBlock[] | undefined,
  });
  app.action<BlockButtonAction>(IMPORT_ACTIONS.confirm, async ({ action, body, client }) => {
    deps.background(() => confirmImport(deps, client, click(body, action.value ?? "")));
  });
  app.action<BlockButtonAction>(IMPORT_ACTIONS.cancel, async ({ action, body, client }) => {
    deps.background(() => cancelImport(deps, client, click(body, action.value ?? "")));
  });
}
