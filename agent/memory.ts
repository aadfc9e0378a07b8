import {
  type BaseMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  type StoredMessage,
  ToolMessage,
} from "@langchain/core/messages";
import type { Queryable } from "../db/pool.ts";

/** How much of a thread the model sees again: the last turns, with older tool results shortened. */
export const MEMORY_LIMITS = { turns: 6, recentToolChars: 6000, olderToolChars: 600 };

/** The stored conversation of a thread (Slack thread or console session), oldest first. */
export async function loadThread(db: Queryable, threadKey: string): Promise<BaseMessage[]> {
  const { rows } = await db.query<{ messages: StoredMessage[] }>(
    "SELECT messages FROM agent_threads WHERE thread_key = $1",
    [threadKey],
  );
  return rows[0] ? mapStoredMessagesToChatMessages(rows[0].messages) : [];
}

/** Appends one turn and keeps the thread bounded (see MEMORY_LIMITS). */
export async function saveThread(
  db: Queryable,
  threadKey: string,
  history: BaseMessage[],
  turn: BaseMessage[],
): Promise<void> {
  const trimmed = trimHistory([...history, ...turn]);
  await db.query(
    `INSERT INTO agent_threads (thread_key, messages, turns, updated_at) VALUES ($1, $2::jsonb, 1, now())
     ON CONFLICT (thread_key) DO UPDATE SET messages = EXCLUDED.messages, turns = agent_threads.turns + 1, updated_at = now()`,
    [threadKey, JSON.stringify(mapChatMessagesToStoredMessages(trimmed))],
  );
}

/**
 * Keeps the last MEMORY_LIMITS.turns turns (a turn starts at a human message); tool results of the latest
 * turn keep more text than older ones, so follow-ups see the previous arguments without paying for old rows.
 */
export function trimHistory(messages: BaseMessage[]): BaseMessage[] {
  const turnStarts = messages.flatMap((m, i) => (m.getType() === "human" ? [i] : []));
  const firstKept = turnStarts.length > MEMORY_LIMITS.turns ? (turnStarts.at(-MEMORY_LIMITS.turns) ?? 0) : 0;
  const lastTurn = turnStarts.at(-1) ?? 0;
  return messages.slice(firstKept).map((message, offset) => {
    if (!ToolMessage.isInstance(message)) return message;
    const limit = firstKept + offset >= lastTurn ? MEMORY_LIMITS.recentToolChars : MEMORY_LIMITS.olderToolChars;
    const content = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
    if (content.length <= limit) return message;
    return new ToolMessage({
      content: `${content.slice(0, limit)}… [shortened in memory]`,
      tool_call_id: message.tool_call_id,
      name: message.name,
    });
  });
}
