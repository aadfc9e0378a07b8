// Request hardening end to end over the real Bolt HTTP receiver: signed requests dated more than 5 minutes in the
// future are refused before any work, and the /beacon ask echo cannot ping a whole channel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { testEngines } from "../helpers/databases.ts";
import { type SlackCall, sendToBot } from "./fake-slack-server.ts";
import { type Harness, SIGNING_SECRET, startHarness } from "./harness.ts";
import { slashCommand } from "./slack-payloads.ts";

const postsIn = (h: Harness, channel: string) =>
  h.slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
const ephemeralsIn = (h: Harness, channel: string) =>
  h.slack.callsOf("chat.postEphemeral").filter((c) => c.args.channel === channel);
const secondsFromNow = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe.each(testEngines())("Slack request hardening on $name", (engine) => {
  let db: Database;
  let h: Harness;

  beforeAll(async () => {
    db = await engine.open();
    h = await startHarness(db);
    h.openai.respondWith(() => ({ text: "Noted." }));
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it("a signed request timestamped 6 minutes ahead gets 401 and is not processed; 4 minutes ahead works", async () => {
    const ahead = await sendToBot(
      h.url,
      SIGNING_SECRET,
      { form: slashCommand("help", { channel: "CFUTURE" }) },
      {},
      secondsFromNow(360),
    );
    expect(ahead.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.bot.idle();
    expect(ephemeralsIn(h, "CFUTURE")).toHaveLength(0);

    const skewed = await sendToBot(
      h.url,
      SIGNING_SECRET,
      { form: slashCommand("help", { channel: "CSKEW" }) },
      {},
      secondsFromNow(240),
    );
    expect(skewed.status).toBe(200);
    await h.slack.waitFor(() => ephemeralsIn(h, "CSKEW").length === 1);
  });

  it("the /beacon ask echo breaks up @everyone, @channel, @here and <!everyone>", async () => {
    const question = "Revenue? @everyone @channel @here <!everyone> <!here>";
    const response = await h.send({ form: slashCommand(`ask ${question}`, { channel: "CECHO", user: "UECHO" }) });
    expect(response.status).toBe(200);
    await h.slack.waitFor(() => postsIn(h, "CECHO").length === 2);
    const echo = String((postsIn(h, "CECHO")[0] as SlackCall).args.text);
    expect(echo).toBe(
      "<@UECHO> asked: Revenue? @\u200Beveryone @\u200Bchannel @\u200Bhere &lt;!everyone&gt; &lt;!here&gt;",
    );
    expect(echo).not.toMatch(/@(everyone|channel|here)\b/);
    // The model still gets the question as typed.
    expect(JSON.stringify(h.openai.requests.at(-1)?.body.messages)).toContain("@everyone @channel @here <!everyone>");
  });
});
