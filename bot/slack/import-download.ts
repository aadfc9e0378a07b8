// Fetches a file shared with Beacon: files.info for its authoritative size and private download URL, then the
// bytes with the bot token (Authorization: Bearer), streamed to disk with the size limit enforced as they arrive.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { webApi } from "@slack/bolt";
import { escapeControl } from "../render/escape.ts";

/** The longest a download may take (50 MB at 200 KB/s). */
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

/** What Beacon needs to know about a Slack file before downloading it. */
export interface SlackFileInfo {
  id: string;
  name: string;
  size: number;
  filetype: string;
  url: string | undefined;
}

/** A failure the uploader should read as is (what went wrong and what to do); Slack mrkdwn, user text escaped. */
export class UploadRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UploadRefusal";
  }
}

/** files.info: the file's name, size and url_private_download (the event's copy may lack them). */
export async function fileInfo(client: webApi.WebClient, fileId: string): Promise<SlackFileInfo> {
  let response: Awaited<ReturnType<webApi.WebClient["files"]["info"]>>;
  try {
    response = await client.files.info({ file: fileId });
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    const hint =
      code === "missing_scope"
        ? ": the Slack app lacks the files:read scope; reinstall it from manifest.json"
        : code === "file_not_found"
          ? ": the file was deleted or is not shared with Beacon"
          : "";
    throw new UploadRefusal(`I could not read the file from Slack (${code})${hint}.`);
  }
  const file = response.file;
  if (!file?.id) throw new UploadRefusal("Slack did not describe the file (files.info returned no file).");
  return {
    id: file.id,
    name: file.name ?? file.title ?? file.id,
    size: file.size ?? 0,
    filetype: file.filetype ?? "",
    url: file.url_private_download ?? file.url_private,
  };
}

/** Downloads `info` to `path` with the bot token; refuses beyond `maxBytes`. Returns the size and SHA-256. */
export async function downloadFile(
  info: SlackFileInfo,
  token: string,
  path: string,
  maxBytes: number,
): Promise<{ bytes: number; sha256: string }> {
  if (!info.url) throw new UploadRefusal(`Slack gave no download address for ${escapeControl(info.name)}.`);
  // One deadline for the request and the body: a stalled download must not hold the upload (or shutdown) forever.
  const signal = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const failed = (error: unknown) =>
    new UploadRefusal(
      (error as Error).name === "TimeoutError"
        ? `Slack did not deliver ${escapeControl(info.name)} within ${DOWNLOAD_TIMEOUT_MS / 60_000} minutes; share it again.`
        : `Downloading ${escapeControl(info.name)} from Slack failed (${escapeControl((error as Error).message)}); share it again.`,
    );
  const response = await fetch(info.url, { headers: { Authorization: `Bearer ${token}` }, signal }).catch((error) => {
    throw failed(error);
  });
  if (!response.ok || !response.body) {
    throw new UploadRefusal(`Downloading ${escapeControl(info.name)} from Slack failed (HTTP ${response.status}).`);
  }
  // Without a valid token (or without files:read) Slack answers with its sign-in page, not the file.
  if ((response.headers.get("content-type") ?? "").startsWith("text/html")) {
    await response.body.cancel();
    throw new UploadRefusal(
      `Slack sent a sign-in page instead of ${escapeControl(info.name)}: the bot token was refused for file downloads (does the app have files:read?).`,
    );
  }
  const hash = createHash("sha256");
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new UploadRefusal(tooBig(info.name, bytes, maxBytes, true)));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await mkdir(dirname(path), { recursive: true });
  try {
    await pipeline(Readable.fromWeb(response.body as never), meter, createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true });
    throw error instanceof UploadRefusal ? error : failed(error);
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** "orders.csv is 72.4 MB; uploads in Slack are limited to 50 MB ..." */
export function tooBig(name: string, bytes: number, maxBytes: number, partial = false): string {
  const mb = (n: number) => `${(n / 1_048_576).toFixed(n < 10 * 1_048_576 ? 1 : 0)} MB`;
  return `${escapeControl(name)} is ${partial ? "more than " : ""}${mb(bytes)}; files uploaded in Slack may be at most ${mb(maxBytes)} (BEACON_UPLOAD_MAX_MB). Split it, or import it on the server with \`beacon import &lt;entity&gt; &lt;file&gt;\`.`;
}
