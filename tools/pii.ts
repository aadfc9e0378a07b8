// Masking of personal data in tool output. Applied in Node to result rows when the caller may not see PII, so the
// SQL stays the same for every role and searching by an e-mail or phone never reveals more than the search term.
//
// The mask glyph is "•" (U+2022), not "*": Slack mrkdwn reads "*" as bold and "**…**" is turned into bold by the
// renderer, so "86*******4242" showed as "86****4242"; "•" is no markup anywhere (Slack, console, markdown).
import { type CountryCode, findPhoneNumbersInText, isSupportedCountry } from "libphonenumber-js/max";
import { loadConfig } from "../config.ts";
import type { Caller } from "./tool.ts";

/** The character that stands for each hidden character. */
export const MASK = "•";

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const hide = (count: number) => MASK.repeat(Math.max(0, count));

/** "李伟" -> "李•", "Li Wei" -> "L• W••": the first character of each word kept, the rest masked. */
export function maskName(name: string | null): string | null {
  if (name === null) return null;
  return name
    .split(/(\s+)/)
    .map((part) => {
      if (/^\s+$/.test(part) || part.length === 0) return part;
      const chars = [...part];
      // A CJK name has no spaces: keep the surname character only.
      return chars[0] + hide(chars.length - 1);
    })
    .join("");
}

/** "li.wei@example.com" -> "l•••@example.com": the domain stays (useful for analysis), the local part does not. */
export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf("@");
  if (at <= 0) return hide(3);
  return `${[...email.slice(0, at)][0]}${hide(3)}${email.slice(at)}`;
}

/** "8613800138000" -> "86•••••••8000": country code and last four digits kept. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  if (phone.length <= 6) return hide(phone.length - 2) + phone.slice(-2);
  return phone.slice(0, 2) + hide(phone.length - 6) + phone.slice(-4);
}

/** A part of free text to replace: [start, end) in the original string and what goes there. */
interface Span {
  start: number;
  end: number;
  text: string;
}

/**
 * The text with each compatibility character that NFKC turns into one character replaced by it (full-width
 * digits, "＋", "＠", "．", the ideographic space), so positions still match the original text.
 */
function compatibilityFolded(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text[i] as string;
    if (unit.charCodeAt(0) < 0x80 || (unit.charCodeAt(0) >= 0xd800 && unit.charCodeAt(0) <= 0xdfff)) {
      out += unit;
      continue;
    }
    const folded = unit.normalize("NFKC");
    out += folded.length === 1 ? folded : unit;
  }
  return out;
}

// E-mail addresses, plain and obfuscated: "a@b.com", "a @ b.com", "a [at] b.com", "a (at) b (dot) com",
// "a at b dot com". The local part and domain are ASCII, so Chinese text around an address is kept.
const AT = String.raw`(\s*@\s*|\s*[[({<]\s*at\s*[\])}>]\s*|\s+at\s+)`;
const DOT = String.raw`(?:\.|\s*[[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)`;
const EMAIL = new RegExp(
  `(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)${AT}((?:[A-Za-z0-9-]+${DOT})+)([A-Za-z]{2,})(?![A-Za-z0-9-])`,
  "gi",
);
/** Top-level domains accepted after a bare " at " ("li at example.com"), where a sentence could read like one. */
const COMMON_TLDS = new Set(
  "com net org edu gov cn io co uk de fr jp kr hk tw sg us au ca in me info biz xyz top vip".split(" "),
);

/** Where e-mail addresses (including obfuscated ones) are in the folded text, with their masked form. */
function emailSpans(scan: string): Span[] {
  const spans: Span[] = [];
  EMAIL.lastIndex = 0;
  for (let m = EMAIL.exec(scan); m !== null; m = EMAIL.exec(scan)) {
    const [whole, local = "", at = "", domain = "", tld = ""] = m;
    const spelledDot = /dot/i.test(domain);
    if (/^\s+at\s+$/i.test(at) && !spelledDot && !COMMON_TLDS.has(tld.toLowerCase())) {
      // "look at sales.Then": not an address; an address may still start inside the match.
      EMAIL.lastIndex = m.index + 1;
      continue;
    }
    const address = `${local}@${domain.replace(new RegExp(DOT, "gi"), ".")}${tld}`;
    spans.push({ start: m.index, end: m.index + whole.length, text: maskEmail(address) ?? hide(3) });
  }
  return spans;
}

/** Where phone numbers are in the folded text (libphonenumber-js, national numbers read in `region`). */
function phoneSpans(scan: string, region: CountryCode): Span[] {
  return findPhoneNumbersInText(scan, { defaultCountry: region }).map((found) => ({
    start: found.startsAt,
    end: found.endsAt,
    text: maskPhone(found.number.number.replace(/^\+/, "")) ?? hide(3),
  }));
}

// A digit run cut off by an excerpt ("… call 138.0013.80…") cannot be checked as a phone number, so it is masked.
const CUT_NUMBER = /\+?\d[\d .()-]*\d(?=…$)/;

/** A number of five or more digits right before the "…" that ends a cut excerpt, fully masked. */
function cutNumberSpan(scan: string, taken: Span[]): Span[] {
  const m = CUT_NUMBER.exec(scan);
  if (!m || m[0].replace(/\D/g, "").length < 5) return [];
  const span = { start: m.index, end: m.index + m[0].length, text: hide(m[0].replace(/\D/g, "").length) };
  return taken.some((t) => span.start < t.end && t.start < span.end) ? [] : [span];
}

/** The region national numbers in free text are read in: BEACON_DEFAULT_PHONE_REGION (validated at start). */
function defaultRegion(): CountryCode {
  const region = loadConfig().BEACON_DEFAULT_PHONE_REGION;
  return isSupportedCountry(region) ? region : "CN";
}

/**
 * E-mail addresses and phone numbers in free text written by customers (ticket bodies, notes, NPS comments),
 * masked. Recognised: full-width characters (NFKC), phones with spaces, dots, dashes or brackets, "+86"/"0086"
 * and other countries' numbers (libphonenumber-js; numbers without a country code read in `region`), and e-mails
 * written "name＠example.com", "name [at] example.com" or "name at example dot com"; a number of 5+ digits cut off
 * at the end of an excerpt. Numbers that are no phone number (amounts, dates, order and customer ids) stay.
 */
export function maskFreeText(text: string | null, region: CountryCode = defaultRegion()): string | null {
  if (text === null) return null;
  const scan = compatibilityFolded(text);
  const emails = emailSpans(scan);
  const phones = phoneSpans(scan, region).filter((p) => !emails.some((e) => p.start < e.end && e.start < p.end));
  const found = [...emails, ...phones];
  const spans = [...found, ...cutNumberSpan(scan, found)].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    out += text.slice(at, span.start) + span.text;
    at = span.end;
  }
  return out + text.slice(at);
}

export interface ContactFields {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** The row unchanged for callers with PII access, otherwise name, e-mail and phone masked. */
export function maskContact<T extends ContactFields>(row: T, caller: Caller): T {
  if (caller.canSeePii) return row;
  return { ...row, name: maskName(row.name), email: maskEmail(row.email), phone: maskPhone(row.phone) };
}

/**
 * A caller whose PII access was withdrawn for where the answer is read: a shared Slack channel, where everyone in
 * the channel sees the answer. Set by agent/callers.ts (callerForAudience); read here for the masking note.
 */
export interface AudienceCaller extends Caller {
  maskedForAudience?: "shared_channel";
}

/** Says in the output what the caller sees, so the model never presents a masked value as the real one. */
export function maskingNote(caller: Caller): string {
  if (caller.canSeePii) return "Contact details shown in full (this role may see personal data).";
  if ((caller as AudienceCaller).maskedForAudience === "shared_channel")
    return "Names, e-mails and phones are masked because this answer is posted in a shared channel; ask in a direct message with Beacon to see contact details.";
  return `Names, e-mails and phones are masked for the ${caller.role} role (no personal-data access); ask support or an admin for contact details.`;
}

/** Whether the text contains CJK characters (names written without spaces). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}
