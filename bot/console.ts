import { randomUUID } from "node:crypto";
import { clearScreenDown, cursorTo } from "node:readline";
import { createInterface, type Interface } from "node:readline/promises";
import { AppError } from "../errors.ts";
import { answerLine, type LineContext } from "./console/answer-line.ts";
import { completeLine } from "./console/completer.ts";
import { HISTORY_SIZE, loadHistory, saveHistory } from "./console/history.ts";

export interface ConsoleOptions extends LineContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /**
   * Line editing, history, Tab completion, a prompt and Ctrl+C handling. Default: when input and output are both
   * terminals; piped input is read line by line without them.
   */
  terminal?: boolean;
  /** Where the history of a terminal session is kept (e.g. ~/.beacon_history); none when absent. */
  historyFile?: string;
}

export const PROMPT = "beacon› ";

/** Raised into the line that was running when the user pressed Ctrl+C. */
class Cancelled extends Error {}

/** The local console over the same analyst and tools as Slack, answers as plain-text tables. Ends when input ends. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal = options.terminal ?? Boolean(isTty(input) && isTty(output));
  const say = (text: string) => output.write(`${text}\n`);
  const historyFile = terminal ? options.historyFile : undefined;
  const history = historyFile ? await loadHistory(historyFile).catch(noHistory(say)) : [];
  const rl = createInterface({
    input,
    output,
    terminal,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: terminal ? completeLine : undefined,
  });
  rl.setPrompt(terminal ? PROMPT : "");
  const saving = historyFile ? keepHistory(rl, historyFile, say) : undefined;
  const session = { running: null as AbortController | null };
  if (terminal) rl.on("SIGINT", onInterrupt(rl, output, session, say));

  const model = options.analyst.modelConfigured ? "free-text questions are on" : "no model configured: commands only";
  say(`Beacon console (${options.caller.role}; ${model}). Type "help" for commands, "quit" to leave.`);
  rl.prompt();
  const sessionId = randomUUID();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "quit" || line === "exit") break;
    if (line === "clear") {
      if (terminal) clearScreen(output);
    } else if (line !== "") {
      session.running = new AbortController();
      say(await answerCancellably(line, options, sessionId, session.running));
      session.running = null;
    }
    rl.prompt();
  }
  rl.close();
  await saving?.flush();
}

/** Runs one line until it answers or Ctrl+C cancels it; the reply, or what went wrong, as text. */
async function answerCancellably(
  line: string,
  context: LineContext,
  sessionId: string,
  controller: AbortController,
): Promise<string> {
  const work = answerLine(line, context, sessionId, controller.signal);
  // The analyst stops itself on the signal; a tool call in a database transaction cannot be interrupted, so the
  // console stops waiting for it instead, and its late result or error is dropped.
  work.catch(() => undefined);
  const cancelled = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(new Cancelled()), { once: true });
  });
  try {
    return await Promise.race([work, cancelled]);
  } catch (error) {
    if (error instanceof Cancelled) return "Cancelled.";
    return `Error: ${error instanceof AppError ? error.userMessage : (error as Error).message}`;
  }
}

/**
 * Ctrl+C as in node's REPL: cancels a running line; else clears the typed text; at an empty prompt the first
 * press explains, the second quits.
 */
function onInterrupt(
  rl: Interface,
  output: NodeJS.WritableStream,
  session: { running: AbortController | null },
  say: (text: string) => void,
): () => void {
  let armed = false;
  rl.on("line", () => {
    armed = false;
  });
  return () => {
    if (session.running) {
      session.running.abort();
      return;
    }
    const empty = rl.line.length === 0;
    // Leave what was typed on screen, as shells do, and start a fresh row below it.
    rl.write(null, { ctrl: true, name: "e" });
    output.write("^C\r\n");
    if (!empty) {
      armed = false;
      // Ctrl+U from the end deletes the typed text and redraws the prompt, on the fresh row.
      rl.write(null, { ctrl: true, name: "u" });
      return;
    }
    if (armed) {
      rl.close();
      return;
    }
    armed = true;
    say("(To exit, press Ctrl+C again or Ctrl+D, or type quit)");
    rl.prompt();
  };
}

/** Saves readline's history after every line, one write at a time; a failure is reported once, not fatal. */
function keepHistory(rl: Interface, file: string, say: (text: string) => void) {
  let chain = Promise.resolve();
  let failed = false;
  rl.on("history", (entries: string[]) => {
    const snapshot = [...entries];
    chain = chain.then(() =>
      failed
        ? undefined
        : saveHistory(file, snapshot).catch((error: Error) => {
            failed = true;
            say(`(History not saved to ${file}: ${error.message})`);
          }),
    );
  });
  return { flush: () => chain };
}

function noHistory(say: (text: string) => void) {
  return (error: Error): string[] => {
    say(`(History not loaded: ${error.message})`);
    return [];
  };
}

function clearScreen(output: NodeJS.WritableStream): void {
  cursorTo(output, 0, 0);
  clearScreenDown(output);
}

function isTty(stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}
