// A growable byte buffer for COPY text. Writing digits and cached timestamp bytes straight into one buffer
// avoids the millions of short-lived strings that template literals create, which made the garbage
// collector the largest cost of encoding a million customers.
import { copyValue } from "../pool.ts";
import { dayString, SECONDS_PER_DAY, UTC_OFFSET } from "./calendar.ts";

const TAB = 9;
const NEWLINE = 10;
const CLOCK_WIDTH = 12; // " HH:MM:SS+08"
let clockBytes: Uint8Array | null = null;

function clocks(): Uint8Array {
  if (clockBytes === null) {
    clockBytes = new Uint8Array(SECONDS_PER_DAY * CLOCK_WIDTH);
    const two = (n: number) => (n < 10 ? `0${n}` : String(n));
    for (let s = 0; s < SECONDS_PER_DAY; s++) {
      const text = ` ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}${UTC_OFFSET}`;
      for (let i = 0; i < CLOCK_WIDTH; i++) clockBytes[s * CLOCK_WIDTH + i] = text.charCodeAt(i);
    }
  }
  return clockBytes;
}

/** Appends COPY text fields; call toString() once per table and batch. */
export class TextBuffer {
  private buf: Buffer;
  private pos = 0;
  private readonly days = new Map<number, Uint8Array>();

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer. */
  int(n: number): this {
    if (n < 10) {
      this.ensure(1);
      this.buf[this.pos++] = 48 + n;
      return this;
    }
    return this.ascii(String(n));
  }

  /** A non-negative integer left-padded with zeros to `width` digits. */
  padded(n: number, width: number): this {
    const digits = String(n);
    this.ensure(width);
    for (let i = digits.length; i < width; i++) this.buf[this.pos++] = 48;
    return this.ascii(digits);
  }

  /** Integer cents as a numeric literal with two decimals. */
  money(cents: number): this {
    const whole = Math.floor(cents / 100);
    const rest = cents - whole * 100;
    this.int(whole);
    this.ensure(3);
    this.buf[this.pos++] = 46;
    this.buf[this.pos++] = 48 + Math.floor(rest / 10);
    this.buf[this.pos++] = 48 + (rest % 10);
    return this;
  }

  /** Text known to be ASCII without tabs, newlines or backslashes (codes, ids, enum values). */
  ascii(text: string): this {
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.buf[this.pos++] = text.charCodeAt(i);
    return this;
  }

  /** Any text, escaped for COPY; null becomes \N. */
  text(value: string | null): this {
    if (value === null) return this.ascii("\\N");
    const escaped = copyValue(value);
    this.ensure(escaped.length * 3);
    this.pos += this.buf.write(escaped, this.pos, "utf8");
    return this;
  }

  /** Nullable integer. */
  intOrNull(n: number | null): this {
    return n === null ? this.ascii("\\N") : this.int(n);
  }

  /** 'YYYY-MM-DD' of a day number. */
  day(day: number): this {
    let bytes = this.days.get(day);
    if (bytes === undefined) {
      bytes = Buffer.from(dayString(day), "ascii");
      this.days.set(day, bytes);
    }
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** A timestamptz literal from wall-clock seconds. */
  timestamp(seconds: number): this {
    const day = Math.floor(seconds / SECONDS_PER_DAY);
    this.day(day);
    const from = (seconds - day * SECONDS_PER_DAY) * CLOCK_WIDTH;
    const table = clocks();
    this.ensure(CLOCK_WIDTH);
    for (let i = 0; i < CLOCK_WIDTH; i++) this.buf[this.pos++] = table[from + i] as number;
    return this;
  }

  /** Nullable timestamp. */
  timestampOrNull(seconds: number | null): this {
    return seconds === null ? this.ascii("\\N") : this.timestamp(seconds);
  }

  tab(): this {
    this.ensure(1);
    this.buf[this.pos++] = TAB;
    return this;
  }

  end(): this {
    this.ensure(1);
    this.buf[this.pos++] = NEWLINE;
    return this;
  }

  /** The text so far; the buffer is then reset for reuse. */
  take(): string {
    const text = this.buf.toString("utf8", 0, this.pos);
    this.pos = 0;
    return text;
  }
}
