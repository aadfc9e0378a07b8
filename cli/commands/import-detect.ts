// `beacon import <file>`: the entity proposed from the file's header. Nothing is imported on a guess: without
// --yes the proposal is printed with the command to run (exit 2); --yes accepts it only when it is unambiguous.
import { existsSync, statSync } from "node:fs";
import { detectEntity, type EntityDetection, IMPORT_ENTITIES, ImportValidationError } from "../../derived/import.ts";
import { UsageError } from "../args.ts";
import { log } from "../context.ts";

/** The positionals with the entity in front, or the exit code when the entity was proposed but not confirmed. */
export async function entityOrProposal(positionals: string[], yes: boolean, usage: string): Promise<string[] | number> {
  const [first, ...rest] = positionals;
  if (first === undefined || (IMPORT_ENTITIES as readonly string[]).includes(first)) return positionals;
  if (!isFile(first)) {
    if (/[./\\]/.test(first)) throw new UsageError(`no such file: ${first} (and it is not an entity name)`, usage);
    return positionals; // an unknown entity word: the caller names the valid ones
  }
  if (rest.length > 0) throw new UsageError(`unexpected arguments after the file: ${rest.join(" ")}`, usage);
  let detection: EntityDetection;
  try {
    detection = await detectEntity(first);
  } catch (error) {
    if (!(error instanceof ImportValidationError)) throw error;
    log(error.message);
    return 1;
  }
  return decide(detection, first, yes);
}

function decide(detection: EntityDetection, file: string, yes: boolean): string[] | number {
  const { proposal, runnerUp } = detection;
  if (!proposal) {
    log(`beacon import: cannot tell which entity ${file} holds: ${detection.summary}`);
    log(`  name it: beacon import <entity> ${file}   (entities: ${IMPORT_ENTITIES.join(", ")})`);
    log(`  the columns each entity accepts: beacon import <entity> --help`);
    return 2;
  }
  const channel = proposal.accepted === "with --channel" ? " --channel CODE" : "";
  const command = `beacon import ${proposal.entity} ${file}${channel}`;
  if (yes && detection.unambiguous) {
    log(`beacon import: ${file} ${detection.summary}; importing it as ${proposal.entity} (--yes)`);
    return [proposal.entity, file];
  }
  log(`beacon import: ${file} ${detection.summary}`);
  if (yes) {
    const why = runnerUp
      ? `it fits ${runnerUp.entity} as well as ${proposal.entity}`
      : proposal.accepted === "with --channel"
        ? `${proposal.entity} needs --channel for this file`
        : `${proposal.entity} would read only ${proposal.columnsUsed} of its ${proposal.columnsTotal} columns`;
    log(`  not imported: --yes accepts only an unambiguous proposal, and ${why}; name the entity:`);
  }
  log(`  run: ${command}${runnerUp ? `   (or: beacon import ${runnerUp.entity} ${file})` : ""}`);
  if (!yes && detection.unambiguous) log(`  or add --yes to import it as ${proposal.entity}`);
  return 2;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
