// Masking of personal data in free text (ticket bodies, notes): phone and e-mail variants are found, numbers
// that are no personal data stay, and the mask glyph is no Slack mrkdwn marker.
import { describe, expect, it } from "vitest";
import { MASK, maskEmail, maskFreeText, maskingNote, maskName, maskPhone } from "../../tools/pii.ts";
import { excerpt, visibleText } from "../../tools/tickets/ticket-view.ts";

const m = (text: string) => maskFreeText(text, "CN");

describe("maskFreeText: phone numbers", () => {
  it.each([
    ["digits", "call 13800138000 today", "call 86•••••••8000 today"],
    ["dots", "call 138.0013.8000 today", "call 86•••••••8000 today"],
    ["spaces", "call 138 0013 8000 today", "call 86•••••••8000 today"],
    ["dashes", "call 138-0013-8000 today", "call 86•••••••8000 today"],
    ["full-width digits", "电话１３８００１３８０００，谢谢", "电话86•••••••8000，谢谢"],
    ["full-width with a full-width plus", "电话＋８６ １３８ ００１３ ８０００", "电话86•••••••8000"],
    ["+86 prefix", "tel +86 138 0013 8000.", "tel 86•••••••8000."],
    ["0086 prefix", "tel 0086-138-0013-8000", "tel 86•••••••8000"],
    ["86 without plus", "tel 8613800138000", "tel 86•••••••8000"],
    ["glued to Chinese text", "手机13800138000和13900139000", "手机86•••••••8000和86•••••••9000"],
    ["a landline", "座机 021-6234 5678", "座机 86••••••5678"],
    ["a US number", "US office +1 (415) 555-0132", "US office 14•••••0132"],
    ["a UK number", "London +44 20 7946 0958", "London 44••••••0958"],
    ["a Japanese number", "Tokyo +81 90-1234-5678", "Tokyo 81••••••5678"],
  ])("%s", (_label, text, masked) => {
    expect(m(text)).toBe(masked);
  });

  it("masks a number cut off by an excerpt, which cannot be checked", () => {
    expect(m("Parcel broken, call 138.0013.80…")).toBe("Parcel broken, call •••••••••…");
    expect(m("Parcel broken, call 138 0013…")).toBe("Parcel broken, call •••••••…");
    expect(m("Order total 1,299.00")).toBe("Order total 1,299.00");
    expect(m("Parcel arrived on 2026-11-28, order 20261128")).toBe("Parcel arrived on 2026-11-28, order 20261128");
  });

  it("masks a ticket excerpt (list_tickets cuts bodies at 200 characters) that ends inside a phone number", () => {
    const body = `${"x".repeat(186)} call 138.0013.8000 please`;
    const shown = visibleText(excerpt(body, 200), { userId: "U", role: "marketer", canSeePii: false });
    expect(shown).toBe(`${"x".repeat(186)} call •••••••…`);
  });

  it("reads numbers without a country code in the given region (BEACON_DEFAULT_PHONE_REGION)", () => {
    expect(maskFreeText("call (415) 555-0132", "US")).toBe("call 14•••••0132");
  });
});

describe("maskFreeText: e-mail addresses", () => {
  it.each([
    ["plain", "write to li.wei@example.com please", "write to l•••@example.com please"],
    ["full-width at", "邮箱li.wei＠example.com", "邮箱l•••@example.com"],
    ["full-width at and dot", "邮箱li.wei＠example．com。", "邮箱l•••@example.com。"],
    ["spaces around @", "mail li.wei @ example.com", "mail l•••@example.com"],
    ["[at]", "mail li.wei [at] example.com", "mail l•••@example.com"],
    ["(at) and (dot)", "mail li.wei (at) example (dot) com", "mail l•••@example.com"],
    ["at and dot spelled out", "mail li.wei at example dot com now", "mail l•••@example.com now"],
    ["AT and DOT in capitals", "mail LI AT EXAMPLE DOT CN", "mail L•••@EXAMPLE.CN"],
    ["bare at with a common domain", "reach me at li.wei at qq.com", "reach me at l•••@qq.com"],
    ["Chinese text right after", "邮箱是zhang@163.com谢谢", "邮箱是z•••@163.com谢谢"],
    ["digits as the local part", "13800138000@qq.com", "1•••@qq.com"],
  ])("%s", (_label, text, masked) => {
    expect(m(text)).toBe(masked);
  });
});

describe("maskFreeText: what is no personal data stays", () => {
  it.each([
    "Order 2026-11-28 for ¥1,299.00 arrived broken",
    "customer CUS-0000702, order ORD-20261128-0042",
    "refund 1380013.80 CNY on 20261128",
    "订单号 202611280001 金额 ¥12,345,678",
    "phone ending 4821, called at 10:30",
    "looked at sales.Then we left",
    "we met at the store.Then at 9.30 at home",
    "ticket #12345678 reopened 3 times",
  ])("%s", (text) => {
    expect(m(text)).toBe(text);
  });

  it("keeps null", () => {
    expect(maskFreeText(null, "CN")).toBeNull();
  });
});

describe("mask glyph", () => {
  it("is no mrkdwn or markdown marker", () => {
    expect(MASK).toBe("•");
    for (const masked of [
      maskName("Li Wei"),
      maskEmail("li@example.com"),
      maskPhone("8613800138000"),
      m("138 0013 8000"),
    ])
      expect(masked).not.toMatch(/[*_~`]/);
  });

  it("names, e-mails and phones in columns", () => {
    expect(maskName("李伟")).toBe("李•");
    expect(maskName("Li Wei")).toBe("L• W••");
    expect(maskEmail("li.wei@example.com")).toBe("l•••@example.com");
    expect(maskPhone("8613800138000")).toBe("86•••••••8000");
  });
});

describe("maskingNote", () => {
  it("names the shared channel when the audience withdrew access", () => {
    const caller = { userId: "U1", role: "support" as const, canSeePii: false, maskedForAudience: "shared_channel" };
    expect(maskingNote(caller)).toContain("posted in a shared channel");
    expect(maskingNote({ userId: "U2", role: "marketer", canSeePii: false })).toContain("marketer role");
  });
});
