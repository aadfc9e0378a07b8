// Block Kit for CSV uploads in Slack: the dry run's preview with Import / Cancel, a refusal with the file's
// problems, and the message the preview becomes once decided. File contents are user data: always escaped.
import type { types } from "@slack/bolt";
import type { EntityDetection } from "../../db/import/detect.ts";
import { formatProblem } from "../../db/import/errors.ts";
import type { ImportProblem, ImportReport } from "../../db/import/types.ts";
import { escapeControl, plainText } from "./escape.ts";

type KnownBlock = types.KnownBlock;

export const IMPORT_ACTIONS = { confirm: "import_upload_confirm", cancel: "import_upload_cancel" } as const;

/** Problems, notes and columns shown before "... and N more". */
const SHOWN = 8;
const MAX_SECTION = 2900;

const section = (text: string): KnownBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: text.length > MAX_SECTION ? `${text.slice(0, MAX_SECTION - 1)}…` : text },
});
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });
const count = (n: number) => n.toLocaleString("en-US");

/** How the entity was chosen, for the preview's first line. */
export interface EntityChoice {
  entity: string;
  /** The detection, or null when the user named the entity with `/beacon import <entity>`. */
  detection: EntityDetection | null;
}

/** A bulleted list of at most SHOWN lines, then how many more. */
function bullets(lines: readonly string[]): string {
  const shown = lines.slice(0, SHOWN).map((l) => `• ${escapeControl(l)}`);
  const more = lines.length - shown.length;
  return [...shown, ...(more > 0 ? [`… and ${count(more)} more`] : [])].join("\n");
}

function choiceLine(fileName: string, choice: EntityChoice): string {
  const file = `*${escapeControl(fileName)}*`;
  if (!choice.detection)
    return `:page_facing_up: ${file} as *${choice.entity}* (named with \`/beacon import ${choice.entity}\`)`;
  const reason = choice.detection.proposal?.reason ?? choice.entity;
  return `:page_facing_up: ${file} looks like *${choice.entity}*: ${escapeControl(reason.slice(choice.entity.length + 2))}`;
}

function runnerUpLine(choice: EntityChoice): KnownBlock[] {
  const other = choice.detection?.runnerUp;
  if (!other) return [];
  return [
    context(
      `It could also be *${other.entity}* (${escapeControl(other.reason.slice(other.entity.length + 2))}). To import it as that, run \`/beacon import ${other.entity}\` and attach the file again.`,
    ),
  ];
}

/** The dry run passed: what an import would do, with Import / Cancel. */
export function previewBlocks(
  uploadId: string,
  fileName: string,
  choice: EntityChoice,
  report: ImportReport,
): { blocks: KnownBlock[]; text: string } {
  const facts = [
    `*Rows:* ${count(report.rows)}`,
    `*Would add:* ${count(report.inserted)}`,
    `*Would update:* ${count(report.updated)}${report.unchanged ? ` (${count(report.unchanged)} unchanged)` : ""}`,
  ];
  if (report.customers) {
    facts.push(
      `*Customers:* ${count(report.customers.created)} new, ${count(report.customers.updated)} existing (matched by ${escapeControl(report.customers.matchedBy)})`,
    );
  }
  const blocks: KnownBlock[] = [
    section(choiceLine(fileName, choice)),
    ...runnerUpLine(choice),
    { type: "section", fields: facts.map((text) => ({ type: "mrkdwn", text })) },
  ];
  if (report.ignoredColumns.length > 0) {
    blocks.push(
      section(
        `*Columns not imported* (no field of ${choice.entity} has these names):\n${bullets(report.ignoredColumns)}`,
      ),
    );
  }
  if (report.notes.length > 0)
    blocks.push(section(`*Notes* (channel mappings and how the file was read):\n${bullets(report.notes)}`));
  if (report.warnings.length > 0)
    blocks.push(section(`*Warnings* (imported as written):\n${bullets(report.warnings)}`));
  blocks.push(context("Nothing is stored until you click Import; the import is all-or-nothing."), {
    type: "actions",
    block_id: `import_upload_${uploadId}`,
    elements: [
      {
        type: "button",
        action_id: IMPORT_ACTIONS.confirm,
        text: { type: "plain_text", text: `Import ${count(report.rows)} rows` },
        style: "primary",
        value: uploadId,
      },
      {
        type: "button",
        action_id: IMPORT_ACTIONS.cancel,
        text: { type: "plain_text", text: "Cancel" },
        value: uploadId,
      },
    ],
  });
  const text = plainText(`${fileName}: ${count(report.rows)} ${choice.entity} rows checked; Import or Cancel`, 300);
  return { blocks, text };
}

/** The dry run found problems: nothing can be imported; the first problems with their line and column. */
export function problemBlocks(
  fileName: string,
  choice: EntityChoice,
  problems: readonly ImportProblem[],
  total: number,
): { blocks: KnownBlock[]; text: string } {
  const lines = problems.map(formatProblem);
  const more = total - problems.length;
  const list = bullets(lines) + (more > 0 && lines.length <= SHOWN ? `\n… and ${count(more)} more` : "");
  const blocks: KnownBlock[] = [
    section(choiceLine(fileName, choice)),
    ...runnerUpLine(choice),
    section(
      `:x: *${count(total)} problem${total === 1 ? "" : "s"}*; nothing was imported. Fix the file and upload it again:\n${list}`,
    ),
  ];
  return { blocks, text: plainText(`${fileName}: ${count(total)} problems, nothing imported`, 300) };
}

/** A short refusal or failure (role, size, unreadable file, no entity fits). */
export function refusalBlocks(message: string): { blocks: KnownBlock[]; text: string } {
  return { blocks: [section(`:warning: ${message}`)], text: plainText(message, 300) };
}

/** The preview once decided: its facts kept, the buttons replaced by the outcome. */
export function decidedBlocks(
  preview: readonly KnownBlock[] | undefined,
  outcome: string,
): { blocks: KnownBlock[]; text: string } {
  const kept = (preview ?? []).filter((b) => b.type !== "actions" && b.type !== "context");
  return { blocks: [...kept, section(outcome)], text: plainText(outcome.replace(/[*`]/g, ""), 300) };
}

/** The import's result, in the thread. */
export function resultText(fileName: string, report: ImportReport, user: string): string {
  const parts = [
    `:white_check_mark: <@${user}> imported *${escapeControl(fileName)}* as *${report.entity}*: ${count(report.rows)} rows, ${count(report.inserted)} added, ${count(report.updated)} updated`,
  ];
  if (report.customers) {
    parts.push(`customers: ${count(report.customers.created)} created, ${count(report.customers.updated)} updated`);
  }
  return `${parts.join("; ")} (${report.seconds} s).`;
}
