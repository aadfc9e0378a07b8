// Seeded randomness for the demo generator. Math.random is never used: every stream is derived from
// (seed, stream name, index), so a customer's data depends only on the seed and its own index and
// generation can stream in any batch size.

/** murmur3's 32-bit finaliser: a cheap, well-mixing bijection on uint32. */
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a hash of a stream name, so streams can be named in code instead of numbered. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** xoshiro128** generator with helpers for the distributions the generator needs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /** Seeds from any list of integers (seed, stream hash, index...), split into 32-bit words. */
  constructor(...keys: number[]) {
    let h = 0x9e3779b9;
    for (const key of keys) {
      // Fold keys above 2^32 (large seeds) instead of silently truncating them.
      const lo = key >>> 0;
      const hi = Math.floor(key / 0x100000000) >>> 0;
      h = fmix32(h ^ lo) + 0x9e3779b9;
      h = fmix32(h ^ hi) + 0x7f4a7c15;
    }
    // splitmix-style expansion into four non-zero state words.
    this.a = fmix32(h + 0x6a09e667) | 1;
    this.b = fmix32(h + 0xbb67ae85);
    this.c = fmix32(h + 0x3c6ef372);
    this.d = fmix32(h + 0xa54ff53a);
  }

  /** A named sub-stream: Rng.of(seed, "customer", 17). */
  static of(seed: number, stream: string, ...indices: number[]): Rng {
    return new Rng(seed, hashString(stream), ...indices);
  }

  /** Next uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in (0, 1): safe for log(). */
  open(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.open()));
    const theta = 2 * Math.PI * this.float();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Log-normal with the given arithmetic mean and log-space sigma. */
  lognormalMean(mean: number, sigma: number): number {
    return mean * Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(this.open());
  }

  /** Gamma(shape, rate) by Marsaglia-Tsang; shape < 1 uses the u^(1/shape) boost. */
  gamma(shape: number, rate = 1): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * this.open() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = this.open();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  }

  /** Beta(a, b) from two gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /** Geometric count >= 1 with the given mean (mean > 1). */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    return 1 + Math.floor(Math.log(this.open()) / Math.log(1 - 1 / mean));
  }

  /** Binomial(n, p): exact waiting-time method when n*p is small, normal approximation otherwise. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    const mean = n * p;
    if (mean < 30) {
      const logQ = Math.log(1 - p);
      let successes = 0;
      let position = 0;
      for (;;) {
        position += Math.floor(Math.log(this.open()) / logQ) + 1;
        if (position > n) return successes;
        successes++;
      }
    }
    const draw = Math.round(mean + Math.sqrt(mean * (1 - p)) * this.normal());
    return Math.min(n, Math.max(0, draw));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A fixed discrete distribution; pick() is a binary search over cumulative weights. */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    const kept = entries.filter(([, w]) => w > 0);
    if (kept.length === 0) throw new Error("WeightedTable needs at least one positive weight");
    this.items = kept.map(([item]) => item);
    this.cumulative = new Float64Array(kept.length);
    let sum = 0;
    kept.forEach(([, w], i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  /** One item, with probability proportional to its weight. */
  pick(rng: Rng): T {
    const target = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/** Multinomial counts for `n` draws over `weights` (sequential binomials; sums to exactly n). */
export function multinomial(rng: Rng, n: number, weights: readonly number[]): number[] {
  const counts = new Array<number>(weights.length).fill(0);
  let remainingWeight = weights.reduce((sum, w) => sum + Math.max(0, w), 0);
  let remaining = n;
  for (let i = 0; i < weights.length && remaining > 0; i++) {
    const w = Math.max(0, weights[i] as number);
    if (w <= 0) continue;
    const p = remainingWeight > 0 ? Math.min(1, w / remainingWeight) : 1;
    const k = i === weights.length - 1 ? remaining : rng.binomial(remaining, p);
    counts[i] = k;
    remaining -= k;
    remainingWeight -= w;
  }
  // Floating-point leftovers: the last positive weight absorbs them.
  if (remaining > 0) {
    for (let i = weights.length - 1; i >= 0; i--) {
      if ((weights[i] as number) > 0) {
        counts[i] = (counts[i] as number) + remaining;
        break;
      }
    }
  }
  return counts;
}
