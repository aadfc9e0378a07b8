import type { types, webApi } from "@slack/bolt";
import { capText, fitBlock, fitMessages, messageViolation, SLACK_LIMITS } from "../render/slack-limits.ts";
import { DeliveryFailed, slackErrorOf } from "./delivery-errors.ts";

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

/** Where an update goes: the message `ts` in `channel`. */
export interface UpdateTarget {
  channel: string;
  ts: string;
}

/**
 * The step every outgoing message shares: blocks Slack would refuse (checked here first, without the round trip) or
 * does refuse for the blocks are sent once more as plain text; any other failure, or a failed retry, is a
 * DeliveryFailed with Slack's error. `plain` says whether the retry was what got through.
 */
async function blocksOrPlain<T>(
  where: string,
  blocks: AnyBlock[],
  sendBlocks: () => Promise<T>,
  sendPlain: () => Promise<T>,
  logger: Logger,
): Promise<{ result: T; plain: boolean }> {
  try {
    const violation = messageViolation(blocks);
    if (violation) throw new BlocksRefusedLocally(violation);
    return { result: await sendBlocks(), plain: false };
  } catch (error) {
    const code = slackErrorOf(error);
    if (!BLOCK_ERRORS.has(code)) throw new DeliveryFailed(code, { cause: error });
    logger.warn(`Slack refused the blocks in ${where} (${code}); sending them once more as plain text`);
    try {
      return { result: await sendPlain(), plain: true };
    } catch (retryError) {
      throw new DeliveryFailed(`${code}, then ${slackErrorOf(retryError)}`, { cause: retryError });
    }
  }
}

/**
 * The one way Beacon posts blocks: answers (bot/slack/delivery.ts) and the messages Beacon posts on its own
 * (digests, anomaly alerts, import previews and results). The blocks are fitted to Slack's limits after escaping
 * and split over as many messages as needed (the rest in the first one's thread); a message Slack would refuse, or
 * does refuse for its blocks, is sent once more as plain text. Returns the first message's ts and channel (Slack
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
  if (parts.length === 0) return sendPlainOnly(message, (text) => send(target.threadTs, text));
  let first: { ts?: string; channel?: string } | undefined;
  for (const [i, blocks] of parts.entries()) {
    const thread = target.threadTs ?? first?.ts;
    const text = i === 0 ? capText(message.text, SLACK_LIMITS.sectionChars) : "(continued)";
    const posted = await blocksOrPlain(
      target.channel,
      blocks,
      () => send(thread, text, blocks),
      () => send(thread, plainOf(message)),
      options.logger,
    );
    // The plain text holds the whole message: the parts after a refused one are not sent again as blocks.
    if (posted.plain) return first ?? posted.result;
    first ??= posted.result;
  }
  return first ?? {};
}

/**
 * Replaces message `ts` through the same limits as a post (chat.update): the blocks fitted after escaping; an update
 * is one message, so blocks past one message's limits are cut, the last kept block saying how many were left out;
 * blocks Slack would refuse, or does refuse, replace the message as plain text once. Throws DeliveryFailed when
 * the message could not be updated. `rest` is what was cut, for a caller that posts it in the thread instead.
 */
export async function updateWithinLimits(
  client: webApi.WebClient,
  target: UpdateTarget,
  message: OutgoingMessage,
  options: PostOptions & { keepRest?: boolean },
): Promise<{ plain: boolean; rest: AnyBlock[] }> {
  const pace = options.pace ?? ((_channel, call) => call());
  const update = (text: string, blocks: AnyBlock[]) =>
    pace(target.channel, () =>
      client.chat.update({ channel: target.channel, ts: target.ts, text, blocks: blocks as types.KnownBlock[] }),
    );
  const [first = [], ...more] = message.blocks.length > 0 ? fitMessages(message.blocks) : [];
  const rest = more.flat();
  const blocks = options.keepRest || rest.length === 0 ? first : withCutNote(first, rest.length);
  if (blocks.length === 0) {
    await sendPlainOnly(message, (text) => update(text, []));
    return { plain: true, rest: [] };
  }
  const sent = await blocksOrPlain(
    target.channel,
    blocks,
    () => update(capText(message.text, SLACK_LIMITS.sectionChars), blocks),
    // An empty blocks array clears the message's old blocks: the plain text replaces all of it.
    () => update(plainOf(message), []),
    options.logger,
  );
  return { plain: sent.plain, rest: sent.plain || !options.keepRest ? [] : rest };
}

/** A message without blocks: its text alone, within the plain-message limit; failures are a DeliveryFailed. */
async function sendPlainOnly<T>(message: OutgoingMessage, send: (text: string) => Promise<T>): Promise<T> {
  try {
    return await send(capText(message.text, SLACK_LIMITS.plainMessageChars));
  } catch (error) {
    throw new DeliveryFailed(slackErrorOf(error), { cause: error });
  }
}

function plainOf(message: OutgoingMessage): string {
  return capText(message.plain ?? message.text, SLACK_LIMITS.plainMessageChars);
}

/** One message's blocks with the last replaced by a note of how many blocks did not fit. */
function withCutNote(blocks: AnyBlock[], cut: number): AnyBlock[] {
  const note: AnyBlock = {
    type: "context",
    elements: [{ type: "mrkdwn", text: `${cut + 1} more blocks did not fit in one Slack message.` }],
  };
  return [...blocks.slice(0, -1), note];
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
