import { resolveCaller } from "../../agent/callers.ts";
import { escapeControl } from "../render/escape.ts";
import type { BotDeps } from "./deps.ts";
import { DIGEST_PERIODS, DIGEST_VIEWS, type DigestPeriod, type DigestView } from "./digest-periods.ts";
import { CRON_EXAMPLE, checkCron, isTimeZone, nextSlot, slotLabel } from "./digest-schedule.ts";
import { insertDigest, latestRuns, listActiveDigests, removeDigest } from "./digests.queries.ts";

const MANAGERS: readonly string[] = ["manager", "admin"];

export const DIGEST_USAGE = [
  '/beacon digest add "<cron>" #channel [view=manager|marketer] [period=last_week|last_month|last_quarter|month_to_date] [tz=Area/City]',
  `    e.g. /beacon digest add "0 9 * * 1" #marketing view=manager period=last_week  (Mondays 09:00)`,
  "/beacon digest list",
  "/beacon digest remove <id>   (stops it; its past runs stay on record)",
].join("\n");

/** One line of `/beacon help`. */
export const DIGEST_HELP =
  "  /beacon digest add|list|remove  scheduled summaries posted to a channel (managers and admins)";

/** What `digest add` was asked for, once every part checked out. */
export interface DigestRequest {
  cron: string;
  channel: string;
  view: DigestView;
  period: DigestPeriod;
  timezone: string;
}

/** `/beacon digest ...` for `user`: the reply to show them (only they see it). */
export async function digestCommand(deps: BotDeps, user: string, text: string): Promise<string> {
  const [sub = "", ...rest] = text.trim().split(/\s+/);
  const args = text.trim().slice(sub.length).trim();
  const action = sub.toLowerCase();
  if (!["add", "list", "remove"].includes(action)) {
    const unknown = action === "" || action === "help" ? "" : `Unknown digest command \`${escapeControl(sub)}\`. `;
    return `${unknown}Usage:\n\`\`\`${escapeControl(DIGEST_USAGE)}\`\`\``;
  }
  const caller = await resolveCaller(deps.db.pool, user, deps.config.BEACON_DEFAULT_ROLE);
  if (!MANAGERS.includes(caller.role)) {
    return `Only managers and admins can manage scheduled digests (you are ${caller.role}). Ask your manager or a Beacon admin.`;
  }
  const now = deps.now ?? new Date();
  if (action === "list") return listDigests(deps);
  if (action === "remove") return remove(deps, user, rest, now);
  const parsed = parseDigestAdd(args, deps.config.BEACON_TIMEZONE);
  if (!parsed.ok) return `${parsed.error}\nUsage:\n\`\`\`${escapeControl(DIGEST_USAGE)}\`\`\``;
  const request = parsed.request;
  const id = await insertDigest(deps.db.pool, { ...request, created_by: user }, now);
  const next = nextSlot(request.cron, request.timezone, now);
  const when = next ? `; first run ${slotLabel(next, request.timezone, true)} (${request.timezone})` : "";
  return `Digest #${id} scheduled: \`${request.cron}\` to <#${request.channel}>, ${request.view} view, ${request.period}${when}. Beacon must be a member of that channel to post there.`;
}

async function remove(deps: BotDeps, user: string, words: string[], now: Date): Promise<string> {
  const raw = (words[0] ?? "").replace(/^#/, "");
  if (!/^\d+$/.test(raw) || words.length > 1) {
    return "Usage: `/beacon digest remove <id>`, e.g. `/beacon digest remove 3` (`/beacon digest list` shows the ids).";
  }
  const removed = await removeDigest(deps.db.pool, Number(raw), user, now);
  if (!removed) return `There is no active digest #${raw}. \`/beacon digest list\` shows the active ones.`;
  return `Digest #${removed.id} (\`${removed.cron}\` to <#${removed.channel}>) removed; its past runs stay on record.`;
}

async function listDigests(deps: BotDeps): Promise<string> {
  const digests = await listActiveDigests(deps.db.pool);
  if (digests.length === 0) return 'No scheduled digests. Add one: `/beacon digest add "0 9 * * 1" #marketing`';
  const runs = await latestRuns(deps.db.pool);
  const now = deps.now ?? new Date();
  const lines = digests.map((d) => {
    const next = nextSlot(d.cron, d.timezone, now);
    const last = runs.get(d.id);
    const lastText = last
      ? `last ${slotLabel(last.scheduled_for, d.timezone, true)} ${last.status}${last.late ? " (late)" : ""}`
      : "not run yet";
    const nextText = next ? `next ${slotLabel(next, d.timezone, true)}` : "no next run";
    return `#${d.id}  \`${d.cron}\` ${d.timezone} → <#${d.channel}>  ${d.view} view, ${d.period}; ${nextText}; ${lastText}; by <@${d.created_by}>`;
  });
  return `Scheduled digests:\n${lines.join("\n")}`;
}

type Parsed = { ok: true; request: DigestRequest } | { ok: false; error: string };

/**
 * `"<cron>" #channel key=value ...`. The cron is what comes before the channel (quotes, also Slack's curly ones,
 * are optional); the channel is Slack's escape `<#C123|name>` (what the client sends for a channel picked with #)
 * or a bare channel id.
 */
export function parseDigestAdd(text: string, defaultTimezone: string): Parsed {
  const tokens = text.replace(/[“”]/g, '"').trim();
  const quoted = /^"([^"]*)"\s*(.*)$/s.exec(tokens);
  let cronText: string;
  let tail: string;
  if (quoted) {
    cronText = quoted[1] as string;
    tail = quoted[2] as string;
  } else {
    const words = tokens.split(/\s+/).filter(Boolean);
    const firstOther = words.findIndex((w) => w.startsWith("<#") || w.startsWith("#") || w.includes("="));
    const cut = firstOther === -1 ? words.length : firstOther;
    cronText = words.slice(0, cut).join(" ");
    tail = words.slice(cut).join(" ");
  }
  if (cronText.trim() === "") {
    return { ok: false, error: `Give the schedule as a cron expression first, e.g. ${CRON_EXAMPLE}.` };
  }
  const cron = checkCron(cronText);
  // The message quotes what the user typed: escaped so it cannot become a Slack mention or link.
  if (!cron.ok) return { ok: false, error: escapeControl(cron.error) };
  let channel: string | null = null;
  const options: Record<string, string> = {};
  for (const word of tail.split(/\s+/).filter(Boolean)) {
    const escaped = /^<#([CG][A-Z0-9]+)(\|[^>]*)?>$/.exec(word);
    const eq = word.indexOf("=");
    if (escaped || /^[CG][A-Z0-9]{6,}$/.test(word)) {
      if (channel) return { ok: false, error: "Give one channel per digest; add another digest for a second channel." };
      channel = escaped ? (escaped[1] as string) : word;
    } else if (word.startsWith("#")) {
      return {
        ok: false,
        error: `Slack sent the channel ${escapeControl(word)} as plain text, without its id. Pick the channel from the list that opens when you type # (so Slack sends its id), or give the channel id (e.g. C0123ABCD).`,
      };
    } else if (eq > 0) {
      options[word.slice(0, eq).toLowerCase()] = word.slice(eq + 1);
    } else {
      return {
        ok: false,
        error: `I did not understand \`${escapeControl(word)}\`: after the cron come #channel and key=value options.`,
      };
    }
  }
  if (!channel)
    return {
      ok: false,
      error: "Which channel? Add the channel to post to, e.g. #marketing (pick it from Slack's list).",
    };
  const unknown = Object.keys(options).filter((k) => !["view", "period", "tz"].includes(k));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: `Unknown option ${escapeControl(unknown.join(", "))}: the options are view=, period= and tz=.`,
    };
  }
  const view = (options.view ?? "manager").toLowerCase();
  if (!(DIGEST_VIEWS as readonly string[]).includes(view)) {
    return { ok: false, error: `Unknown view \`${escapeControl(view)}\`: use view=${DIGEST_VIEWS.join(" or view=")}.` };
  }
  const period = (options.period ?? "last_week").toLowerCase().replace(/-/g, "_");
  if (!(DIGEST_PERIODS as readonly string[]).includes(period)) {
    return {
      ok: false,
      error: `Unknown period \`${escapeControl(period)}\`: use one of ${DIGEST_PERIODS.join(", ")}.`,
    };
  }
  const timezone = options.tz ?? defaultTimezone;
  if (!isTimeZone(timezone)) {
    return {
      ok: false,
      error: `Unknown time zone \`${escapeControl(timezone)}\`: give an IANA name such as tz=Asia/Shanghai or tz=Europe/Berlin.`,
    };
  }
  return {
    ok: true,
    request: { cron: cron.cron, channel, view: view as DigestView, period: period as DigestPeriod, timezone },
  };
}
