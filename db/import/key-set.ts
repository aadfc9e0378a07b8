// The keys an import has written, with the line each was first on, for the duplicate rule across batches. A million
// order ids in a Map<string, number> take about 70 MB of heap; this table keeps a 64-bit fingerprint of each key
// and its line in 12 bytes per slot (about 24-48 MB at a million keys), which keeps a 1M-row import's memory flat.
// Two different keys share a fingerprint with probability about n^2 / 2^65 (3e-8 for a million keys in one file);
// such a pair would be reported as a repeated key naming the earlier line, so the user can see it is not one.

const EMPTY = 0;

/** Key -> first line (lines are >= 1), in typed arrays. */
export class SeenKeys {
  private high: Uint32Array;
  private low: Uint32Array;
  private lines: Uint32Array;
  private count = 0;

  constructor(capacity = 1 << 14) {
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The line a key was first seen on, if it was. */
  get(key: string): number | undefined {
    const [h, l] = fingerprint(key);
    const mask = this.lines.length - 1;
    for (let slot = l & mask; this.lines[slot] !== EMPTY; slot = (slot + 1) & mask) {
      if (this.high[slot] === h && this.low[slot] === l) return this.lines[slot];
    }
    return undefined;
  }

  /** Remembers a key's first line (a key already present keeps its line). */
  set(key: string, line: number): void {
    if ((this.count + 1) * 2 > this.lines.length) this.grow();
    const [h, l] = fingerprint(key);
    this.place(h, l, line);
  }

  private place(h: number, l: number, line: number): void {
    const mask = this.lines.length - 1;
    let slot = l & mask;
    while (this.lines[slot] !== EMPTY) {
      if (this.high[slot] === h && this.low[slot] === l) return;
      slot = (slot + 1) & mask;
    }
    this.high[slot] = h;
    this.low[slot] = l;
    this.lines[slot] = line;
    this.count++;
  }

  private grow(): void {
    const { high, low, lines } = this;
    this.high = new Uint32Array(lines.length * 2);
    this.low = new Uint32Array(lines.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    this.count = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as number;
      if (line !== EMPTY) this.place(high[i] as number, low[i] as number, line);
    }
  }
}

/** Two 32-bit halves of a 64-bit string hash (cyrb53's two multiply-xorshift lanes, kept whole). */
function fingerprint(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}
