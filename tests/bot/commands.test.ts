// key=value parsing typed by the tools' schemas, usage text, the per-channel pacer, and the manifest matching the code.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allowedValues, argumentNames } from "../../bot/commands/argument-help.ts";
import { closestMatch, editDistance } from "../../bot/commands/did-you-mean.ts";
import { parseToolArgs, tokenize } from "../../bot/commands/parse-args.ts";
import { helpText, SUBCOMMANDS, shortUsageOf, subcommandOf, usageOf } from "../../bot/commands/subcommands.ts";
import { SUGGESTED_PROMPTS } from "../../bot/listeners/assistant.ts";
import { ACTIONS, CALLBACKS } from "../../bot/render/blocks.ts";
import { deliveryKey } from "../../bot/slack/dedupe.ts";
import { ChannelPacer } from "../../bot/slack/pacer.ts";
import { findTool } from "../../tools/index.ts";
import { ROLES, type ToolDefinition } from "../../tools/tool.ts";

const tool = (name: string) => findTool(name) as ToolDefinition;

describe("key=value arguments", () => {
  it("tokenizes quoted values and reports stray words", () => {
    expect(tokenize(`a=1 body="two words" c='x y' d=“全角 引号”`)).toEqual({
      pairs: [
        ["a", "1"],
        ["body", "two words"],
        ["c", "x y"],
        ["d", "全角 引号"],
      ],
      stray: [],
    });
    expect(tokenize("kpi oops a=1").stray).toEqual(["kpi", "oops"]);
  });

  it("types values by the tool's schema: numbers, booleans, lists, objects, unions", () => {
    const kpis = parseToolArgs(
      tool("compute_kpis"),
      "group_by=channel,week limit=5 overhead_cost=1200.5 start=2026-10-01",
    );
    expect(kpis).toEqual({
      ok: true,
      args: { group_by: ["channel", "week"], limit: 5, overhead_cost: 1200.5, start: "2026-10-01" },
    });
    const attribution = parseToolArgs(
      tool("compute_attribution"),
      "compare_models=last_touch,linear include_null_paths=false",
    );
    expect(attribution).toEqual({
      ok: true,
      args: { compare_models: ["last_touch", "linear"], include_null_paths: false },
    });
    expect(parseToolArgs(tool("compute_attribution"), "compare_models=true")).toEqual({
      ok: true,
      args: { compare_models: true },
    });
    const budget = parseToolArgs(tool("recommend_budget"), `limits={"douyin_ads":{"min":2000}} locked=kol`);
    expect(budget).toEqual({ ok: true, args: { limits: { douyin_ads: { min: 2000 } }, locked: ["kol"] } });
    expect(parseToolArgs(tool("log_feedback_ticket"), "customer=702")).toEqual({ ok: true, args: { customer: 702 } });
    // Left as text so zod names the field: "limit: expected number".
    expect(parseToolArgs(tool("compute_kpis"), "limit=lots")).toEqual({ ok: true, args: { limit: "lots" } });
  });

  it("names the problem: a stray word, or an argument given twice", () => {
    expect(parseToolArgs(tool("compute_kpis"), "channel")).toEqual({
      ok: false,
      error: 'expected key=value arguments, got "channel"',
    });
    expect(parseToolArgs(tool("compute_kpis"), "limit=1 limit=2")).toEqual({ ok: false, error: "limit: given twice" });
  });

  it("usage lists every argument of the tool with an example; help lists every command", () => {
    const usage = usageOf("kpi", "/beacon ");
    expect(usage).toContain("Usage: /beacon kpi key=value");
    expect(usage).toContain("Example: /beacon kpi start=");
    for (const arg of ["start", "end", "group_by", "compare", "roi_convention", "limit"])
      expect(usage).toMatch(new RegExp(`\\n  ${arg}\\s`));
    expect(usageOf("ticket", "")).not.toContain("idempotency_key");
    const help = helpText("/beacon ", false);
    for (const name of Object.keys(SUBCOMMANDS)) expect(help).toContain(`/beacon ${name}`);
    expect(help).toContain("needs OPENAI_API_KEY");
    expect(subcommandOf("KPI group_by=week")).toBe("kpi");
    expect(subcommandOf("what is ROAS")).toBeNull();
    for (const sub of Object.values(SUBCOMMANDS)) expect(findTool(sub.tool), sub.tool).toBeDefined();
  });
});

describe("help texts", () => {
  /** Help as one line per argument, whatever the wrapping: the argument's name and all its text. */
  const argumentText = (help: string, name: string) =>
    (new RegExp(`\\n  ${name} +([^]*?)(?=\\n  \\S|$)`).exec(help)?.[1] ?? "").replace(/\s+/g, " ");

  it("shows whole descriptions: an 'e.g.' no longer ends them", () => {
    const segment = usageOf("segment", "");
    expect(argumentText(segment, "region")).toBe("Only customers in this region (e.g. 'East China').");
    expect(argumentText(segment, "examples_per_segment")).toBe(
      "Example customers per segment, largest period revenue first (for rfm: the top customer of each score cell " +
        "in the segment); names masked unless the caller may see personal data. A whole number from 0 to 20. Default: 3.",
    );
    for (const line of segment.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it("lists allowed values, list limits, ranges, defaults and required fields from the tools' schemas", () => {
    const kpi = usageOf("kpi", "");
    expect(argumentText(kpi, "compare")).toContain(
      "One of: previous_period, previous_year, none. Default: previous_period.",
    );
    expect(argumentText(kpi, "group_by")).toContain(
      "A comma-separated list (at most 2) of: channel, platform, campaign, region, segment, day, week, month. Default: channel.",
    );
    expect(argumentText(kpi, "limit")).toContain("A whole number from 1 to 500. Default: 100.");
    expect(argumentText(usageOf("attribution", ""), "compare_models")).toContain(
      "Either true or false; or a comma-separated list of: first_touch, last_touch, last_non_direct, linear,",
    );
    expect(argumentText(usageOf("attribution", ""), "half_life_days")).toContain("A number above 0, at most 365.");
    const ticket = usageOf("ticket", "");
    expect(argumentText(ticket, "severity")).toContain("Required. One of: low, medium, high, critical.");
    expect(argumentText(ticket, "customer")).toContain("A whole number above 0; or text.");
    expect(ticket).not.toMatch(/confirm_in_slack|idempotency_key|slack_permalink/);
    expect(usageOf("budget", "/beacon ")).toContain("/beacon budget list key=value …  shows past proposals");
    expect(argumentText(usageOf("budget", ""), "status")).toContain(
      "One of: proposed, approved, rejected, superseded.",
    );
    expect(allowedValues(tool("compute_attribution"), "compare_models")).toContain("shapley");
    expect(allowedValues(tool("compute_kpis"), "start")).toEqual([]);
  });

  it("shows a short usage under errors that names every argument and points to the full help", () => {
    const short = shortUsageOf("kpi", "/beacon ");
    expect(short).toContain("Usage: /beacon kpi key=value");
    expect(short).toContain(`Arguments: ${argumentNames(tool("compute_kpis")).join(", ")}`);
    expect(short).toContain('"/beacon help kpi" describes every argument');
    expect(short.split("\n")).toHaveLength(4);
  });
});

describe("did you mean", () => {
  it("counts a swap of neighbouring letters as one edit", () => {
    expect(editDistance("hlep", "help")).toBe(1);
    expect(editDistance("segmnet", "segment")).toBe(1);
    expect(editDistance("kpis", "kpi")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("suggests the near-miss command, and nothing for words that are not close", () => {
    const commands = [...Object.keys(SUBCOMMANDS), "help", "tools", "tool", "clear", "quit", "ask"];
    expect(closestMatch("kpis", commands)).toBe("kpi");
    expect(closestMatch("segmnet", commands)).toBe("segment");
    expect(closestMatch("hlep", commands)).toBe("help");
    expect(closestMatch("Summery", commands)).toBe("summary");
    expect(closestMatch("attr", commands)).toBe("attribution");
    expect(closestMatch("kpi", commands)).toBeNull();
    expect(closestMatch("revenue", commands)).toBeNull();
    expect(closestMatch("roas", commands)).toBeNull();
    expect(closestMatch("what", commands)).toBeNull();
  });
});

describe("delivery keys and pacing", () => {
  it("keys events by event id, commands and interactions by trigger id, and leaves view submissions to listeners", () => {
    expect(deliveryKey({ type: "event_callback", event_id: "Ev1" })).toEqual({ key: "Ev1", source: "events_api" });
    expect(deliveryKey({ command: "/beacon", trigger_id: "t1" })).toEqual({
      key: "command:t1",
      source: "slash_command",
    });
    expect(deliveryKey({ type: "block_actions", trigger_id: "t2" })).toEqual({
      key: "block_actions:t2",
      source: "interaction",
    });
    expect(deliveryKey({ type: "view_submission", trigger_id: "t3" })).toBeNull();
  });

  it("spaces sends to one channel by the gap, keeps order, and does not delay other channels", async () => {
    const pacer = new ChannelPacer(150);
    const log: [string, number, number][] = [];
    const start = Date.now();
    const send = (channel: string, n: number) =>
      pacer.run(channel, async () => log.push([channel, n, Date.now() - start]));
    await Promise.all([send("A", 1), send("A", 2), send("A", 3), send("B", 1)]);
    const a = log.filter(([c]) => c === "A");
    expect(a.map(([, n]) => n)).toEqual([1, 2, 3]);
    expect((a[1]?.[2] ?? 0) - (a[0]?.[2] ?? 0)).toBeGreaterThanOrEqual(145);
    expect((a[2]?.[2] ?? 0) - (a[1]?.[2] ?? 0)).toBeGreaterThanOrEqual(145);
    expect(log.find(([c]) => c === "B")?.[2]).toBeLessThan(100);
    await expect(pacer.run("A", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(pacer.run("A", async () => "after a failure")).resolves.toBe("after a failure");
  });

  it("has suggested prompts for every role", () => {
    for (const role of ROLES) expect(SUGGESTED_PROMPTS[role].length).toBeGreaterThanOrEqual(3);
  });
});

describe("manifest.json", () => {
  const manifest = JSON.parse(readFileSync(new URL("../../manifest.json", import.meta.url), "utf8"));

  it("declares exactly the surfaces the code listens to", () => {
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual([
      "app_home_opened",
      "app_mention",
      "assistant_thread_started",
      "message.channels", // follow-ups in channel threads Beacon answered (bot/listeners/thread-reply.ts)
      "message.groups", // the same in private channels
      "message.im",
    ]);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(["/beacon"]);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({
        type: "message",
        callback_id: CALLBACKS.feedbackShortcut,
        name: "Log as customer feedback",
      }),
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(Object.values(ACTIONS)).toContain("budget_approve");
  });

  it("asks for exactly the scopes those surfaces need", () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      "app_mentions:read", // app_mention
      "assistant:write", // assistant threads: status, prompts, title
      "channels:history", // message.channels
      "chat:write", // answers and ephemeral messages
      "commands", // /beacon and the message shortcut
      "files:read", // CSV files shared in a DM for import (files.info and the private download)
      "files:write", // CSV and chart uploads (files.uploadV2)
      "groups:history", // message.groups
      "im:history", // message.im
    ]);
  });
});
