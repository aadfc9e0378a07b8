// Masking of personal data in tool output. Applied in Node to result rows when the caller may not see PII, so the
// SQL stays the same for every role and searching by an e-mail or phone never reveals more than the search term.
import type { Caller } from "./tool.ts";

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** "李伟" -> "李*", "Li Wei" -> "L* W**": the first character of each word kept, the rest starred. */
export function maskName(name: string | null): string | null {
  if (name === null) return null;
  return name
    .split(/(\s+)/)
    .map((part) => {
      if (/^\s+$/.test(part) || part.length === 0) return part;
      const chars = [...part];
      // A CJK name has no spaces: keep the surname character only.
      return chars[0] + "*".repeat(chars.length - 1);
    })
    .join("");
}

/** "li.wei@example.com" -> "l***@example.com": the domain stays (useful for analysis), the local part does not. */
export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}

/** "8613800138000" -> "86*******8000": country code and last four digits kept. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  if (phone.length <= 6) return "*".repeat(Math.max(0, phone.length - 2)) + phone.slice(-2);
  return phone.slice(0, 2) + "*".repeat(phone.length - 6) + phone.slice(-4);
}

/** E-mail addresses and long digit runs (phones, ids) in free text written by customers. */
export function maskFreeText(text: string | null): string | null {
  if (text === null) return null;
  return text
    .replace(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, (m) => maskEmail(m) ?? "***")
    .replace(/\+?\d[\d ()-]{5,}\d/g, (m) => {
      const digits = m.replace(/\D/g, "");
      return digits.length >= 7 ? (maskPhone(digits) ?? "***") : m;
    });
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

/** Says in the output what the caller sees, so the model never presents a masked value as the real one. */
export function maskingNote(caller: Caller): string {
  return caller.canSeePii
    ? "Contact details shown in full (this role may see personal data)."
    : `Names, e-mails and phones are masked for the ${caller.role} role (no personal-data access); ask support or an admin for contact details.`;
}

/** Whether the text contains CJK characters (names written without spaces). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}
