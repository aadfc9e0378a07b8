/** A one-line progress bar on stderr; on a non-terminal it prints a line per 10% instead of redrawing. */
export function progressBar(label: string): (p: { phase: string; done: number; total: number }) => void {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastDecile = -1;
  let lastPhase = "";
  return ({ phase, done, total }) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const text = `${label} ${phase} ${bar(fraction)} ${(fraction * 100).toFixed(0)}% (${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}, ${seconds}s)`;
    if (tty) {
      process.stderr.write(`\r${text.padEnd(100)}${fraction >= 1 ? "\n" : ""}`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== lastDecile || phase !== lastPhase) {
      process.stderr.write(`${text}\n`);
      lastDecile = decile;
      lastPhase = phase;
    }
  };
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(fraction * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

/** Progress of a long import: rows read, rows/s and the time left by bytes read of the file's size. */
export interface ImportProgressUpdate {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  done: boolean;
}

/** Seconds an import runs silently before its progress is shown: short imports print nothing. */
const QUIET_SECONDS = 2;

/**
 * A progress line on stderr for imports that take more than a couple of seconds, at most once a second: redrawn in
 * place on a terminal, one line per update when BEACON_PROGRESS=1 asks for it elsewhere (logs, tests); silent when
 * stderr is not a terminal and BEACON_PROGRESS is not 1. `clock` (ms) is for tests.
 */
export function importProgress(
  label: string,
  options: { stream?: NodeJS.WritableStream & { isTTY?: boolean }; env?: NodeJS.ProcessEnv; clock?: () => number } = {},
): (update: ImportProgressUpdate) => void {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const tty = stream.isTTY === true;
  const enabled = env.BEACON_PROGRESS === "1" || (tty && env.BEACON_PROGRESS !== "0");
  const clock = options.clock ?? Date.now;
  const started = clock();
  let lastShown = 0;
  let shown = false;
  return (update) => {
    if (!enabled) return;
    const now = clock();
    const seconds = (now - started) / 1000;
    if (seconds < QUIET_SECONDS || (!update.done && now - lastShown < 1000)) return;
    if (update.done && !shown) return; // a short import stays silent to the end
    lastShown = now;
    shown = true;
    const text = `${label}: ${progressText(update, seconds)}`;
    if (tty) stream.write(`\r${text.padEnd(90)}${update.done ? "\n" : ""}`);
    else stream.write(`${text}\n`);
  };
}

/** "120,000 rows, 41,000 rows/s, 62% of 9.8 MB, about 2 s left" (or "done in 5.1 s"). */
export function progressText(update: ImportProgressUpdate, seconds: number): string {
  const rate = seconds > 0 ? update.rows / seconds : 0;
  const fraction = update.totalBytes > 0 ? Math.min(1, update.bytesRead / update.totalBytes) : 0;
  const rows = `${update.rows.toLocaleString("en-US")} rows, ${Math.round(rate).toLocaleString("en-US")} rows/s`;
  if (update.done) return `${rows}, all read in ${seconds.toFixed(1)} s; finishing (derived tables, commit)`;
  const left = fraction > 0 ? (seconds * (1 - fraction)) / fraction : Number.NaN;
  const eta = Number.isFinite(left) ? `about ${formatSeconds(left)} left` : "time left unknown";
  const size = `${(update.totalBytes / 1e6).toFixed(1)} MB`;
  return `${rows}, ${Math.round(fraction * 100)}% of ${size}, ${eta}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
