// Feedback tickets (30-60, EN and 中文) with their history, and the demo Slack users who file and work them.
import type { PlantedTicket } from "./anomalies.ts";
import { SECONDS_PER_DAY } from "./calendar.ts";
import type { ChannelSpec } from "./catalog.ts";
import type { Tier } from "./customers.ts";
import type { Period } from "./period.ts";
import { Rng, WeightedTable } from "./random.ts";
import { type Lang, RESOLUTIONS, TICKET_TEMPLATES, type TicketTemplate } from "./texts.ts";

/** Demo Slack users, one or two per role; support and admin may see personal data. */
export const DEMO_USERS = [
  { slackUserId: "U0DEMOMKT", displayName: "Chen Jing 陈静 (Marketing)", role: "marketer", canSeePii: false },
  { slackUserId: "U0DEMOMGR", displayName: "Wang Lei 王磊 (Marketing Lead)", role: "manager", canSeePii: false },
  { slackUserId: "U0DEMOSUP", displayName: "Zhang Min 张敏 (Customer Support)", role: "support", canSeePii: true },
  { slackUserId: "U0DEMOSUP2", displayName: "Lucy Tan (Customer Support)", role: "support", canSeePii: true },
  { slackUserId: "U0DEMOADM", displayName: "Liu Yang 刘洋 (Admin)", role: "admin", canSeePii: true },
] as const;

const SUPPORT = ["U0DEMOSUP", "U0DEMOSUP2"] as const;
const MARKETER = "U0DEMOMKT";

export const STATUSES = ["new", "triaged", "in_progress", "resolved", "followed_up", "closed"] as const;
export type Status = (typeof STATUSES)[number];

/** What the ticket generator knows about a customer who complained. */
export interface TicketSubject {
  customerId: number;
  lang: Lang;
  tier: Tier;
  signupTs: number;
  /** [time, external id] of their orders, oldest first. */
  orders: [number, string][];
  /** Their latest paid-media touch: channel index and campaign id. */
  adChannelIndex: number | null;
  adCampaignId: number | null;
  /** The hand-placed 李伟 / Li Wei get the documented ad-promise complaint. */
  forced: "zh" | "en" | null;
}

export interface TicketRow {
  id: number;
  idempotencyKey: string;
  customerId: number | null;
  customerHint: string | null;
  sourceChannel: string;
  category: string;
  sentiment: string;
  severity: string;
  priority: string;
  status: Status;
  body: string;
  campaignId: number | null;
  channelId: number | null;
  reporter: string;
  assignee: string | null;
  slackPermalink: string | null;
  resolution: string | null;
  satisfaction: number | null;
  followUpDueTs: number | null;
  createdTs: number;
  updatedTs: number;
  resolvedTs: number | null;
}

export interface HistoryRow {
  id: number;
  ticketId: number;
  actor: string;
  action: string;
  oldValue: unknown;
  newValue: unknown;
  ts: number;
}

// Priority from customer value x severity: a critical issue of a high-value customer is P1.
const PRIORITY: Record<Tier, Record<TicketTemplate["severity"], string>> = {
  high: { critical: "P1", high: "P1", medium: "P2", low: "P3" },
  mid: { critical: "P1", high: "P2", medium: "P3", low: "P3" },
  low: { critical: "P2", high: "P2", medium: "P3", low: "P4" },
};

/** Priority of a ticket from the customer's value tier and the severity. */
export function ticketPriority(tier: Tier, severity: TicketTemplate["severity"]): string {
  return PRIORITY[tier][severity];
}

const FINAL_STEP = new WeightedTable(
  ([0.1, 0.12, 0.18, 0.2, 0.15, 0.25] as const).map((w, step) => [step, w] as const),
);
const UNKNOWN_HINTS = [
  "Caller did not give a name, phone ending 4821",
  "微博用户 @小鹿爱护肤",
  "Email from a guest checkout: j.doe.shopper@example.com",
  "小红书私信用户「阿芙」",
  "Walk-in customer at the Chengdu store",
];
const AD_SOURCES = new WeightedTable([
  ["social", 0.4],
  ["chat", 0.3],
  ["phone", 0.2],
  ["email", 0.1],
] as const);
const OTHER_SOURCES = new WeightedTable([
  ["phone", 0.25],
  ["email", 0.25],
  ["chat", 0.3],
  ["social", 0.08],
  ["in_store", 0.05],
  ["review_site", 0.05],
  ["survey", 0.02],
] as const);

/** Tickets and their history for the chosen subjects, plus `unknown` tickets from people not in the CRM. */
export function generateTickets(
  seed: number,
  period: Period,
  channels: readonly ChannelSpec[],
  subjects: readonly TicketSubject[],
  unknown: number,
  planted: readonly PlantedTicket[] = [],
): { tickets: TicketRow[]; history: HistoryRow[] } {
  const drafts: Omit<TicketRow, "id">[] = [];
  const steps: { times: number[]; assignee: string }[] = [];
  const all: (TicketSubject | null)[] = [...subjects, ...Array.from({ length: unknown }, () => null)];
  all.forEach((subject, n) => {
    const own = Rng.of(seed, "ticket", n);
    const latest = period.endTs - 3600;
    let created =
      subject?.forced != null
        ? latest - (subject.forced === "en" ? 2 : 4) * SECONDS_PER_DAY - own.int(6 * 3600)
        : latest - own.int(45 * SECONDS_PER_DAY);
    if (subject) created = Math.min(latest, Math.max(created, subject.signupTs + 3600));
    const order = subject ? [...subject.orders].reverse().find(([ts]) => ts < created) : undefined;
    const template = chooseTemplate(own, subject, order !== undefined);
    const channel =
      template.aboutAd && subject?.adChannelIndex != null ? (channels[subject.adChannelIndex] as ChannelSpec) : null;
    const body = template.body
      .replaceAll("{channel}", channel ? channel.label : template.lang === "zh" ? "广告" : "online")
      .replaceAll("{order}", order ? order[1] : template.lang === "zh" ? "最近的订单" : "my last order");
    const tier: Tier = subject?.tier ?? "low";
    const assignee = own.pick(SUPPORT);
    const times = [created];
    // Each later step happens after a plausible working delay; steps that would fall after the data ends are not reached.
    const delays = [
      [0.2 * 3600, 8 * 3600],
      [0.5 * 3600, 24 * 3600],
      [4 * 3600, 4 * SECONDS_PER_DAY],
      [1 * SECONDS_PER_DAY, 3 * SECONDS_PER_DAY],
      [0.5 * SECONDS_PER_DAY, 2 * SECONDS_PER_DAY],
    ] as const;
    const wanted = subject?.forced === "en" ? 2 : subject?.forced === "zh" ? 1 : FINAL_STEP.pick(own);
    for (let s = 1; s <= wanted; s++) {
      const [lo, hi] = delays[s - 1] as readonly [number, number];
      const at = (times[s - 1] as number) + Math.floor(own.range(lo, hi));
      if (at > period.endTs) break;
      times.push(at);
    }
    const step = times.length - 1;
    const status = STATUSES[step] as Status;
    const resolvedTs = step >= 3 ? (times[3] as number) : null;
    const lang = template.lang;
    const fromSocial = template.aboutAd && own.chance(0.5);
    drafts.push({
      idempotencyKey: `demo-ticket-${String(n + 1).padStart(3, "0")}`,
      customerId: subject?.customerId ?? null,
      customerHint: subject ? null : (UNKNOWN_HINTS[n % UNKNOWN_HINTS.length] as string),
      sourceChannel: template.aboutAd ? AD_SOURCES.pick(own) : OTHER_SOURCES.pick(own),
      category: template.category,
      sentiment: template.sentiment,
      severity: template.severity,
      priority: ticketPriority(tier, template.severity),
      status,
      body,
      campaignId: channel ? (subject?.adCampaignId ?? null) : null,
      channelId: channel ? (subject?.adChannelIndex as number) + 1 : null,
      reporter: fromSocial ? MARKETER : own.pick(SUPPORT),
      assignee: step >= 1 ? assignee : null,
      slackPermalink: `https://beacon-demo.slack.com/archives/C0DEMOFEEDBACK/p${created}000${String(n).padStart(3, "0")}`,
      resolution: resolvedTs !== null ? RESOLUTIONS[template.category][lang] : null,
      satisfaction: step >= 4 ? satisfaction(own, template.sentiment) : null,
      followUpDueTs: resolvedTs !== null ? resolvedTs + 2 * SECONDS_PER_DAY : null,
      createdTs: created,
      updatedTs: times[times.length - 1] as number,
      resolvedTs,
    });
    steps.push({ times, assignee });
  });

  planted.forEach((p, k) => {
    const n = drafts.length;
    drafts.push(plantedDraft(p, n, Rng.of(seed, "planted-ticket", k)));
    steps.push({ times: [p.ts], assignee: SUPPORT[0] });
  });

  // Ticket ids follow creation time, like rows inserted as they came in.
  const order = drafts
    .map((_, i) => i)
    .sort((a, b) => (drafts[a] as TicketRow).createdTs - (drafts[b] as TicketRow).createdTs || a - b);
  const tickets: TicketRow[] = [];
  const history: HistoryRow[] = [];
  for (const i of order) {
    const draft = drafts[i] as Omit<TicketRow, "id">;
    const { times, assignee } = steps[i] as { times: number[]; assignee: string };
    const ticket: TicketRow = { ...draft, id: tickets.length + 1 };
    tickets.push(ticket);
    const push = (actor: string, action: string, oldValue: unknown, newValue: unknown, ts: number) =>
      history.push({ id: history.length + 1, ticketId: ticket.id, actor, action, oldValue, newValue, ts });
    push(
      ticket.reporter,
      "created",
      null,
      { status: "new", priority: ticket.priority, category: ticket.category },
      times[0] as number,
    );
    for (let s = 1; s < times.length; s++) {
      const at = times[s] as number;
      if (s === 1) push("U0DEMOSUP", "assignee", null, assignee, at);
      push(s === 1 ? "U0DEMOSUP" : assignee, "status", STATUSES[s - 1], STATUSES[s], at);
      if (s === 3) push(assignee, "resolution", null, ticket.resolution, at);
      if (s === 4) push(assignee, "satisfaction", null, ticket.satisfaction, at);
    }
  }
  return { tickets, history };
}

function chooseTemplate(rng: Rng, subject: TicketSubject | null, hasOrder: boolean): TicketTemplate {
  if (subject?.forced) {
    const wanted = subject.forced === "en" ? "Customer says the {channel} ad promised 20% off" : "首单立减20%";
    return TICKET_TEMPLATES.find((t) => t.body.includes(wanted)) as TicketTemplate;
  }
  const lang: Lang = subject ? subject.lang : rng.chance(0.6) ? "zh" : "en";
  const fits = TICKET_TEMPLATES.filter(
    (t) =>
      t.lang === lang &&
      (hasOrder || !t.body.includes("{order}")) &&
      (!t.aboutAd || (subject !== null && subject.adChannelIndex !== null)),
  );
  return rng.pick(fits);
}

/** A planted surge ticket (db/demo/anomalies.ts): new, untriaged, from a hotline caller not in the CRM. */
function plantedDraft(p: PlantedTicket, n: number, rng: Rng): Omit<TicketRow, "id"> {
  return {
    idempotencyKey: `demo-ticket-${String(n + 1).padStart(3, "0")}`,
    customerId: null,
    customerHint: p.hint,
    sourceChannel: "phone",
    category: "product_quality",
    sentiment: "negative",
    severity: "high",
    priority: ticketPriority("low", "high"),
    status: "new",
    body: p.body,
    campaignId: null,
    channelId: null,
    reporter: rng.pick(SUPPORT),
    assignee: null,
    slackPermalink: `https://beacon-demo.slack.com/archives/C0DEMOFEEDBACK/p${p.ts}000${String(n).padStart(3, "0")}`,
    resolution: null,
    satisfaction: null,
    followUpDueTs: null,
    createdTs: p.ts,
    updatedTs: p.ts,
    resolvedTs: null,
  };
}

function satisfaction(rng: Rng, sentiment: TicketTemplate["sentiment"]): number {
  if (sentiment === "positive") return 5;
  const u = rng.float();
  return u < 0.1 ? 1 : u < 0.25 ? 2 : u < 0.5 ? 3 : u < 0.8 ? 4 : 5;
}
