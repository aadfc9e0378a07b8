import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Lines kept in the history file, like node's REPL (psql keeps 500, bash 500 to 1000). */
export const HISTORY_SIZE = 1000;

/** Earlier console lines from the history file, newest first as readline wants them; [] when there is none yet. */
export async function loadHistory(file: string, size = HISTORY_SIZE): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .reverse()
    .slice(0, size);
}

/**
 * Writes readline's history (newest first) to the file, oldest line first as shells do, readable only by its
 * owner: the lines can name customers.
 */
export async function saveHistory(file: string, newestFirst: readonly string[], size = HISTORY_SIZE): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const lines = newestFirst.slice(0, size).reverse();
  await writeFile(file, lines.length ? `${lines.join("\n")}\n` : "", { mode: 0o600 });
}
