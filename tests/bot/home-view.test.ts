// The Home tab's Block Kit, from a fixed HomeData: formatting, escaping, role sections, limits; and the manifest.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HOME_LIMITS, homeView, kpiField, sparkline } from "../../bot/render/home-view.ts";
import type { HomeData, HomeProposal, HomeTicket } from "../../bot/slack/home-data.ts";
import { questionsFor } from "../../bot/slack/home-questions.ts";

const settings = { currency: "CNY", timezone: "Asia/Shanghai" };
const options = { settings, chartFileId: null, modelConfigured: true };
// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is checked field by field.
type Loose = any;

function data(overrides: Partial<HomeData> = {}): HomeData {
  return {
    caller: { userId: "UMKT", role: "marketer", canSeePii: false },
    period: { start: "2026-11-13", end: "2026-11-19", previous: { start: "2026-11-06", end: "2026-11-12" } },
    kpis: [
      { key: "spend", label: "Spend", value: 9444, previous: 19801.8, change: -0.5231 },
      { key: "revenue", label: "Revenue", value: 27117.15, previous: 56880.81, change: -0.5233 },
      { key: "orders", label: "Orders", value: 1093, previous: 198, change: 4.5202 },
      { key: "new_customers", label: "New customers", value: 48, previous: 48, change: 0 },
      { key: "roas", label: "ROAS", value: 2.871, previous: 2.8725, change: -0.0001 },
      { key: "cac_paid", label: "CAC (paid)", value: null, previous: null, change: null, reason: "no new customers" },
    ],
    trend: [
      { day: "2026-11-17", revenue: 100 },
      { day: "2026-11-18", revenue: 800 },
      { day: "2026-11-19", revenue: 450 },
    ],
    proposals: null,
    tickets: null,
    questions: questionsFor("marketer"),
    freshness: "2026-11-19T23:46:00+08:00",
    problems: [],
    computedAt: new Date("2026-11-20T04:00:00Z"),
    ...overrides,
  };
}
const json = (view: { blocks: unknown[] }) => JSON.stringify(view.blocks);
const elements = (view: { blocks: Loose[] }) => view.blocks.flatMap((b) => b.elements ?? []);

describe("home view", () => {
  it("KPI fields: the one formatter's money, counts and ratios, the change with its arrow and previous value", () => {
    const [spend, revenue, orders, customers, roas, cac] = data().kpis.map((k) => kpiField(k, settings));
    expect(spend).toBe("*Spend*\n¥9,444.00\n▼ −52.3% from ¥19,801.80");
    expect(revenue).toBe("*Revenue*\n¥27,117.15\n▼ −52.3% from ¥56,880.81");
    expect(orders).toBe("*Orders*\n1,093\n▲ +452.0% from 198");
    expect(customers).toBe("*New customers*\n48\n= 0.0% from 48");
    // A change that prints as 0.0% gets no arrow pointing down.
    expect(roas).toBe("*ROAS*\n2.87\n= 0.0% from 2.87");
    expect(cac).toBe("*CAC (paid)*\n– _(no new customers)_\nno comparison");
  });

  it("a marketer: header, period, six KPIs, a sparkline until the chart exists, questions, no role sections", () => {
    const view = homeView(data(), options);
    expect(view.type).toBe("home");
    expect(json(view)).toContain("Last 7 days *2026-11-13 – 2026-11-19* vs 2026-11-06 – 2026-11-12");
    expect(json(view)).toContain("orders up to 2026-11-19 23:46");
    expect((view.blocks.find((b: Loose) => b.fields) as Loose).fields).toHaveLength(6);
    expect(json(view)).toContain(`\`${sparkline([100, 800, 450])}\``);
    expect(json(view)).toContain("low ¥100.00 · high ¥800.00 a day");
    expect(json(view)).not.toContain("Open budget proposals");
    expect(json(view)).not.toContain("tickets");
    const asks = elements(view).filter((e: Loose) => String(e.action_id).startsWith("home_ask_"));
    expect(asks.map((e: Loose) => e.value)).toEqual(questionsFor("marketer").map((q) => q.id));
    expect(json(view)).toContain("Numbers computed 2026-11-20 12:00 (Asia/Shanghai)");
  });

  it("with an uploaded chart: an image block referring to the Slack file, with alt text and title", () => {
    const view = homeView(data(), { ...options, chartFileId: "F0CHART1" });
    const image = view.blocks.find((b: Loose) => b.type === "image") as Loose;
    expect(image.slack_file).toEqual({ id: "F0CHART1" });
    expect(image.image_url).toBeUndefined();
    expect(image.alt_text).toBe("Daily revenue 2026-11-17 – 2026-11-19: line chart of revenue per day");
  });

  it("a manager: open proposals with the existing budget action ids, at most five, the rest counted", () => {
    const proposals: HomeProposal[] = Array.from({ length: 7 }, (_, i) => ({
      id: 40 + i,
      author: i === 0 ? "U0DEMOMGR" : "someone <!channel>",
      createdAt: "2026-11-19T10:00:00+08:00",
      totalBudget: 200000,
      expectedOutcome: 610000.5,
      allocation: [{ channel: "douyin", recommended: 120000 }],
    }));
    const view = homeView(data({ proposals }), options);
    expect(json(view)).toContain("Open budget proposals (7)");
    const approve = elements(view).filter((e: Loose) => e.action_id === "budget_approve");
    expect(approve.map((e: Loose) => e.value)).toEqual(["40", "41", "42", "43", "44"]);
    expect(elements(view).filter((e: Loose) => e.action_id === "budget_adjust")).toHaveLength(5);
    expect(elements(view).filter((e: Loose) => e.action_id === "budget_reject")).toHaveLength(5);
    expect(json(view)).toContain("*Proposal #40* by <@U0DEMOMGR>, 2026-11-19");
    expect(json(view)).toContain("Total ¥200,000.00, expected outcome ¥610,000.50");
    expect(json(view)).toContain("douyin ¥120,000.00");
    expect(json(view)).toContain("someone &lt;!channel&gt;");
    expect(json(view)).not.toContain("<!channel>");
    expect(json(view)).toContain("2 older open proposal(s)");
    const none = homeView(data({ proposals: [] }), options);
    expect(json(none)).toContain("Open budget proposals (0)");
    expect(json(none)).toContain("Nothing waiting for a decision");
  });

  it("support: open and needing-attention tickets, customer text escaped and cut, team-wide counts", () => {
    const ticket = (id: number, attention: string | null): HomeTicket => ({
      id,
      priority: "P1",
      status: "in_progress",
      category: "product_quality",
      body: `<@U123> <!here> ${"x".repeat(200)}`,
      createdAt: "2026-11-18T09:00:00+08:00",
      followUpDue: null,
      attention,
    });
    const tickets = {
      scope: "mine" as const,
      open: { total: 12, items: [ticket(7, null), ticket(8, "p1_untouched")] },
      attention: { total: 1, items: [ticket(8, "p1_untouched")] },
      overall: { follow_up_overdue: 3, p1_untouched: 2 },
    };
    const view = homeView(data({ tickets }), options);
    const text = json(view);
    expect(text).toContain("*Open (assigned to you): 12*");
    expect(text).toContain("*#7* P1 in progress · product quality · filed 2026-11-18");
    expect(text).toContain(":rotating_light: P1 untouched");
    expect(text).toContain("…and 10 more");
    expect(text).toContain("*Needing attention (assigned to you): 1*");
    expect(text).toContain("Team-wide: 3 overdue follow-up(s), 2 untouched P1(s).");
    expect(text).not.toContain("<@U123>");
    expect(text).not.toContain("<!here>");
    const line = view.blocks.map((b: Loose) => b.text?.text ?? "").find((t: string) => t.includes("*#7*")) as string;
    expect(line.split("\n")[1]?.length).toBeLessThan(HOME_LIMITS.excerptChars + 40);
  });

  it("a failing part is said on the tab; the view stays within Slack's 100 blocks", () => {
    const proposals = Array.from({ length: 50 }, (_, i) => ({
      id: i + 1,
      author: "U1",
      createdAt: "2026-11-19",
      totalBudget: 1,
      expectedOutcome: 1,
      allocation: [],
    }));
    const view = homeView(data({ proposals, problems: ["list_tickets: boom <!channel>"] }), options);
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_LIMITS.blocks);
    expect(json(view)).toContain(":warning: Part of this view could not be built: list_tickets: boom &lt;!channel&gt;");
  });

  it("without a model the questions say they run the tool behind them", () => {
    expect(json(homeView(data(), { ...options, modelConfigured: false }))).toContain("No language model is configured");
  });

  it("sparkline: lowest to highest bar, flat series in the middle, empty for no data", () => {
    expect(sparkline([0, 7, 14])).toBe("▁▅█");
    expect(sparkline([5, 5])).toBe("▄▄");
    expect(sparkline([])).toBe("");
  });

  it("question sets by role: everyone gets the channel question; budget for deciders; complaints for support", () => {
    expect(questionsFor("marketer").map((q) => q.id)).toEqual(["channels_7d", "campaigns_30d", "weekly_trend"]);
    expect(questionsFor("manager").map((q) => q.id)).toContain("proposals");
    expect(questionsFor("support").map((q) => q.id)).toEqual(["channels_7d", "campaigns_30d", "complaints_30d"]);
    for (const role of ["marketer", "manager", "support", "admin"] as const) {
      expect(questionsFor(role).length).toBeLessThanOrEqual(5);
    }
  });
});

describe("manifest.json: the Home tab", () => {
  const manifest = JSON.parse(readFileSync(new URL("../../manifest.json", import.meta.url), "utf8"));
  it("enables the Home tab (and keeps the Messages tab, where one-click answers go) and subscribes app_home_opened", () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain("app_home_opened");
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(["chat:write", "files:write"]));
  });
});
