import type { types, webApi } from "@slack/bolt";
import { capText, fitBlock, fitMessages, messageViolation, SLACK_LIMITS } from "../render/slack-limits.ts";
import { DeliveryFailed, slackErrorOf } from "./delivery.ts";

type AnyBlock = types.KnownBlock | types.Block;
type Logger = { warn(...args: unknown[]): void };

/** A message to post: blocks, the notification text, and the safe mrkdwn to send instead if Slack refuses them. */
export interface OutgoingMessage {
  blocks: readonly AnyBlock[];
  text: string;
  /** Sent as a plain-text message when Slack refuses the blocks; `text` when absent. */
  plain?: string;
}

/** Where: a channel (or a user id, for the app's DM), optionally in a thread. */
export interface PostTarget {
  channel: string;
  threadTs?: string;
}

export interface PostOptions {
  logger: Logger;
  /** Runs one Slack call under the channel's pacing (ChannelPacer.run); called directly when absent. */
  pace?: <T>(channel: string, call: () => Promise<T>) => Promise<T>;
}

/** Slack errors about the blocks or the size of a message: a plain-text retry can still get through. */
const BLOCK_ERRORS = new Set([
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "msg_blocks_too_long",
  "invalid_attachments",
  "too_many_attachments",
]);

/** A message the limits module refused before sending: handled like Slack's invalid_blocks. */
class BlocksRefusedLocally extends Error {
  readonly data = { error: "invalid_blocks" };
}

/**
 * Posts blocks the way an answer is posted (bot/slack/delivery.ts), for the messages Beacon posts on its own:
 * digests, anomaly alerts, import previews and results. The blocks are fitted to Slack's limits after escaping and
 * split over as many messages as needed (the rest in the first one's thread); a message Slack would refuse, or does
 * refuse for its blocks, is sent once more as plain text. Returns the first message's ts and channel (Slack
 * answers a DM's id for a user id); throws DeliveryFailed when nothing could be posted.
 */
export async function postWithinLimits(
  client: webApi.WebClient,
  target: PostTarget,
  message: OutgoingMessage,
  options: PostOptions,
): Promise<{ ts?: string; channel?: string }> {
  const pace = options.pace ?? ((_channel, call) => call());
  const send = async (thread: string | undefined, text: string, blocks?: AnyBlock[]) => {
    const response = await pace(target.channel, () =>
      client.chat.postMessage({
        channel: target.channel,
        thread_ts: thread,
        text,
        ...(blocks ? { blocks: blocks as types.KnownBlock[] } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return { ts: response.ts, channel: response.channel };
  };
  const parts = message.blocks.length > 0 ? fitMessages(message.blocks) : [];
  if (parts.length === 0) return send(target.threadTs, capText(message.text, SLACK_LIMITS.plainMessageChars));
  let first: { ts?: string; channel?: string } | undefined;
  for (const [i, blocks] of parts.entries()) {
    const thread = target.threadTs ?? first?.ts;
    const text = i === 0 ? capText(message.text, SLACK_LIMITS.sectionChars) : "(continued)";
    try {
      const violation = messageViolation(blocks);
      if (violation) throw new BlocksRefusedLocally(violation);
      const posted = await send(thread, text, blocks);
      first ??= posted;
    } catch (error) {
      const code = slackErrorOf(error);
      if (!BLOCK_ERRORS.has(code)) throw new DeliveryFailed(code, { cause: error });
      options.logger.warn(`Slack refused the blocks in ${target.channel} (${code}); sending them as plain text`);
      try {
        const posted = await send(thread, capText(message.plain ?? message.text, SLACK_LIMITS.plainMessageChars));
        return first ?? posted;
      } catch (retryError) {
        throw new DeliveryFailed(`${code}, then ${slackErrorOf(retryError)}`, { cause: retryError });
      }
    }
  }
  return first ?? {};
}

/**
 * A Home tab (or modal) view within Slack's limits: every block fitted as in a message (long sections split, fields
 * and headers capped), at most 100 blocks, the last of them saying that the rest was left out.
 */
export function fitView<View extends { blocks: readonly AnyBlock[] }>(view: View): View {
  const blocks = view.blocks.flatMap(fitBlock);
  if (blocks.length <= SLACK_LIMITS.modalBlocks) return { ...view, blocks };
  const kept = blocks.slice(0, SLACK_LIMITS.modalBlocks - 1);
  const note: AnyBlock = {
    type: "context",
    elements: [
      { type: "mrkdwn", text: `${blocks.length - kept.length} more blocks did not fit Slack's 100-block limit.` },
    ],
  };
  return { ...view, blocks: [...kept, note] };
}
