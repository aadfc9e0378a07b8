/**
 * Slash-command text as the user typed it. The manifest asks Slack to escape `/beacon` text (`should_escape`), so a
 * channel picked with # arrives as `<#C123|name>` (what `digest add` needs), but then links and e-mails arrive as
 * `<https://…|label>` / `<mailto:a@b.cn|a@b.cn>` and &, <, > as entities. This turns those back into plain text and
 * keeps channel, user and group references (`<#…>`, `<@…>`, `<!…>`) as Slack sent them.
 */
export function plainSlashText(text: string): string {
  return text
    .replace(/<(?:mailto:)?([^<>|#@!][^<>|]*)(?:\|[^<>]*)?>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
