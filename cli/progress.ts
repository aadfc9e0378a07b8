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
