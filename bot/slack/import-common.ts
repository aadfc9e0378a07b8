// What the upload steps share: who may import, the import options (with the row limit), posting in the thread.
import type { types, webApi } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import type { ImportOptions } from "../../derived/import.ts";
import type { BotDeps } from "./deps.ts";
import { UploadRefusal } from "./import-download.ts";
import { postWithinLimits } from "./post-within-limits.ts";

/** Where a file was shared: the uploader, the DM and the thread the preview goes to. */
export interface UploadPlace {
  user: string;
  channel: string;
  threadTs: string;
}

/** A message to post: Block Kit blocks (may be empty) and the notification text. */
export type Rendered = { blocks: types.KnownBlock[]; text: string };

/** Whether `user` may import from Slack (BEACON_IMPORT_ROLES), and the refusal to show when not. */
export async function importPermission(deps: BotDeps, user: string): Promise<string | null> {
  const caller = await resolveCaller(deps.db.pool, user, deps.config.BEACON_DEFAULT_ROLE);
  const allowed: readonly string[] = deps.config.BEACON_IMPORT_ROLES;
  if (allowed.includes(caller.role)) return null;
  return `Only ${allowed.join(" and ")} users can import data into Beacon (BEACON_IMPORT_ROLES); your role is ${caller.role}. Ask an admin to upload the file, or to change your role.`;
}

/** The import's options from the configuration; the row limit (BEACON_UPLOAD_MAX_ROWS) stops a run early. */
export function importOptions(deps: BotDeps, dryRun: boolean): ImportOptions {
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
          `The file has more than ${maxRows.toLocaleString("en-US")} data rows, the limit for uploads in Slack (BEACON_UPLOAD_MAX_ROWS). Split it, or import it on the server with \`beacon import &lt;entity&gt; &lt;file&gt;\`.`,
        );
      }
    },
  };
}

/** Posts in the upload's thread; returns the message ts. */
export async function post(
  client: webApi.WebClient,
  place: UploadPlace,
  rendered: Rendered,
): Promise<string | undefined> {
  // A preview with many columns or long error lists is fitted to Slack's limits like an answer.
  const response = await postWithinLimits(
    client,
    { channel: place.channel, threadTs: place.threadTs || undefined },
    rendered,
    {
      logger: console,
    },
  );
  return response.ts;
}
