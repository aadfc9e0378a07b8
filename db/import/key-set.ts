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

/** What KeyValues holds for one key: a database id and a 64-bit tag (two halves) of the values last written for it. */
export interface KeyEntry {
  id: number;
  tagHigh: number;
  tagLow: number;
}

/**
 * Key -> id and a fingerprint of the values last written with it, in typed arrays (about 48 bytes a key at the
 * table's fill): the customers an import has found or created, so later rows of the same customer need no query,
 * and no update when they carry the values already written. Same fingerprint rule as SeenKeys.
 */
export class KeyValues {
  private high: Uint32Array;
  private low: Uint32Array;
  private ids: Float64Array;
  private tagHigh: Uint32Array;
  private tagLow: Uint32Array;
  private used: Uint8Array;
  private count = 0;

  constructor(capacity = 1 << 12) {
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.ids = new Float64Array(capacity);
    this.tagHigh = new Uint32Array(capacity);
    this.tagLow = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The entry of a key, if it is held (a forgotten key is not). */
  get(key: string): KeyEntry | undefined {
    const slot = this.find(...fingerprint(key));
    if (slot < 0 || (this.ids[slot] as number) < 0) return undefined;
    return { id: this.ids[slot] as number, tagHigh: this.tagHigh[slot] as number, tagLow: this.tagLow[slot] as number };
  }

  /** Holds (or replaces) a key's id and values tag. */
  set(key: string, id: number, tag: readonly [number, number]): void {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const [h, l] = fingerprint(key);
    let slot = this.find(h, l);
    if (slot < 0) {
      slot = this.free(l);
      this.high[slot] = h;
      this.low[slot] = l;
      this.used[slot] = 1;
      this.count++;
    }
    this.ids[slot] = id;
    this.tagHigh[slot] = tag[0];
    this.tagLow[slot] = tag[1];
  }

  /** Forgets a key (its slot stays, marked, so probing past it still works). */
  forget(key: string): void {
    const slot = this.find(...fingerprint(key));
    if (slot >= 0) this.ids[slot] = -1;
  }

  private find(h: number, l: number): number {
    const mask = this.used.length - 1;
    for (let slot = l & mask; this.used[slot] === 1; slot = (slot + 1) & mask) {
      if (this.high[slot] === h && this.low[slot] === l) return slot;
    }
    return -1;
  }

  private free(l: number): number {
    const mask = this.used.length - 1;
    let slot = l & mask;
    while (this.used[slot] === 1) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { high, low, ids, tagHigh, tagLow, used } = this;
    const size = used.length * 2;
    this.high = new Uint32Array(size);
    this.low = new Uint32Array(size);
    this.ids = new Float64Array(size);
    this.tagHigh = new Uint32Array(size);
    this.tagLow = new Uint32Array(size);
    this.used = new Uint8Array(size);
    this.count = 0;
    for (let i = 0; i < used.length; i++) {
      if (used[i] !== 1) continue;
      const slot = this.free(low[i] as number);
      this.high[slot] = high[i] as number;
      this.low[slot] = low[i] as number;
      this.ids[slot] = ids[i] as number;
      this.tagHigh[slot] = tagHigh[i] as number;
      this.tagLow[slot] = tagLow[i] as number;
      this.used[slot] = 1;
      this.count++;
    }
  }
}

/** The 64-bit fingerprint of a text as two 32-bit halves (for value tags). */
export function fingerprintOf(text: string): [number, number] {
  return fingerprint(text);
}
