import type { types } from "@slack/bolt";
import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "./answer-view.ts";
import { answerBlocks, type RenderedAnswer, SLACK_LIMITS } from "./blocks.ts";
import { toSafeMrkdwn } from "./escape.ts";

export const DIGEST_ACTIONS = { ask: "digest_ask", byCampaign: "digest_by_campaign" } as const;

/** What the digest message says about itself, above and below the summary. */
export interface DigestHeader {
  digestId: number;
  runId: number;
  /** e.g. "Weekly digest: last week". */
  title: string;
  dates: { start: string; end: string };
  view: string;
  /** "late: scheduled for Mon 09:00, Beacon was down ..." when the run is late. */
  lateNote: string | null;
}

type AnyBlock = types.KnownBlock | types.Block;

/** The digest: title and period, a late note if any, the rendered summary, and the two buttons. */
export function digestBlocks(view: AnswerView, header: DigestHeader, settings: DisplaySettings): RenderedAnswer {
  const body = answerBlocks(view, settings);
  const title = `*:calendar: ${toSafeMrkdwn(header.title)}* (${header.dates.start} to ${header.dates.end}, ${header.view} view)`;
  const head: AnyBlock[] = [{ type: "section", text: { type: "mrkdwn", text: title } }];
  if (header.lateNote) {
    head.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `:hourglass: ${toSafeMrkdwn(header.lateNote)}` }],
    });
  }
  const tail: AnyBlock[] = [
    {
      type: "actions",
      block_id: `digest_${header.runId}`,
      elements: [
        button("Ask about this", DIGEST_ACTIONS.ask, String(header.runId)),
        button("By campaign", DIGEST_ACTIONS.byCampaign, String(header.runId)),
      ],
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Digest #${header.digestId} · stop it with \`/beacon digest remove ${header.digestId}\``,
        },
      ],
    },
  ];
  const room = SLACK_LIMITS.blocks - head.length - tail.length;
  const text = `${header.title} (${header.dates.start} to ${header.dates.end})${header.lateNote ? ` [${header.lateNote}]` : ""}: ${body.text}`;
  return {
    blocks: [...head, ...body.blocks.slice(0, room), ...tail],
    text: text.slice(0, 2900),
    csvTables: body.csvTables,
  };
}

function button(text: string, actionId: string, value: string): types.Button {
  return { type: "button", action_id: actionId, text: { type: "plain_text", text, emoji: true }, value };
}
