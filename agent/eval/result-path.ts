/**
 * Reads a value out of a tool result by a path such as `totals.revenue`, `rows[0].roas`,
 * `rows[key.channel=douyin_ads].spend` (first item whose field equals the text) or `channels.length`.
 * Returns undefined when any step is missing.
 */
export function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const step of splitPath(path)) {
    if (current === null || current === undefined) return undefined;
    const match = step.match(/^([^[]*)(?:\[(.+)\])?$/);
    const name = match?.[1] ?? step;
    const selector = match?.[2];
    if (name) current = (current as Record<string, unknown>)[name];
    if (selector === undefined) continue;
    if (!Array.isArray(current)) return undefined;
    if (/^\d+$/.test(selector)) {
      current = current[Number(selector)];
      continue;
    }
    const eq = selector.indexOf("=");
    if (eq < 0) return undefined;
    const field = selector.slice(0, eq);
    const wanted = selector.slice(eq + 1);
    current = current.find((item) => String(valueAt(item, field)) === wanted);
  }
  return current;
}

/** Splits on dots outside brackets, so selector values may contain dots. */
function splitPath(path: string): string[] {
  const steps: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === "[") depth++;
    else if (ch === "]") depth--;
    else if (ch === "." && depth === 0) {
      steps.push(path.slice(start, i));
      start = i + 1;
    }
  }
  steps.push(path.slice(start));
  return steps;
}
