/** Slack's three control characters; escaping them disables every <!channel>, <@U…> and <url|label> construct. */
export function escapeControl(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Breaks plain-text @channel / @here / @everyone so Slack never turns them into mass mentions (a zero-width space
 * after the @). Echoes of user text use it after escapeControl, as model text does.
 */
export function defuseAtMentions(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, "@\u200B$1");
}

/**
 * Model Markdown -> safe Slack mrkdwn: escapes control characters (no mentions, no disguised links), shows a
 * Markdown link's real address next to its label, turns **bold** and headings into *bold*, and tables into code.
 */
export function toSafeMrkdwn(markdown: string): string {
  const lines = defuseAtMentions(escapeControl(markdown)).split("\n");
  const out: string[] = [];
  let inTable = false;
  let inCode = false;
  for (const line of lines) {
    if (line.trim().startsWith("```")) {
      inCode = !inCode;
      out.push(line);
      continue;
    }
    if (inCode) {
      out.push(line);
      continue;
    }
    const isTableLine = /^\s*\|.*\|\s*$/.test(line);
    if (isTableLine !== inTable) {
      out.push("```");
      inTable = isTableLine;
    }
    if (isTableLine) {
      // The |---|---| separator row adds nothing in a monospace block.
      if (!/^\s*\|[\s:|-]+\|\s*$/.test(line)) out.push(line);
      continue;
    }
    out.push(inlineMarkdown(line));
  }
  if (inTable || inCode) out.push("```");
  return out.join("\n");
}

function inlineMarkdown(line: string): string {
  return (
    line
      .replace(/^\s{0,3}#{1,6}\s+(.*)$/, "*$1*")
      .replace(/\*\*(.+?)\*\*/g, "*$1*")
      .replace(/__(.+?)__/g, "*$1*")
      .replace(/~~(.+?)~~/g, "~$1~")
      // A Markdown link shows its real target, so a label can never disguise where it leads.
      .replace(/!?\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) =>
        label && label !== url ? `${label} (${url})` : url,
      )
      .replace(/^(\s*)[-*]\s+/, "$1• ")
  );
}

/** Plain text for Block Kit `plain_text` fields and notification fallbacks: no mentions, at most `max` chars. */
export function plainText(text: string, max: number): string {
  const clean = defuseAtMentions(text.replace(/[<>]/g, (c) => (c === "<" ? "‹" : "›")))
    .replace(/\s+/g, " ")
    .trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
