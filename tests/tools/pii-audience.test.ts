// Masking follows who reads the answer: a shared Slack channel gets the strictest view whatever the asker may see.
import { describe, expect, it } from "vitest";
import { callerForAudience, slackAudience } from "../../agent/callers.ts";
import { maskingNote } from "../../tools/pii.ts";
import type { Caller } from "../../tools/tool.ts";

const support: Caller = { userId: "USUP", role: "support", canSeePii: true };
const marketer: Caller = { userId: "UMKT", role: "marketer", canSeePii: false };

describe("slackAudience", () => {
  it("reads D… as a DM and C…/G… as shared", () => {
    expect(slackAudience("D0123ABC")).toBe("private");
    expect(slackAudience("C0123ABC")).toBe("shared");
    expect(slackAudience("G0123ABC")).toBe("shared");
  });
});

describe("callerForAudience", () => {
  it("keeps a permitted caller's access in a DM", () => {
    expect(callerForAudience(support, "private")).toBe(support);
  });

  it("withdraws it in a shared channel, keeping the role, and says why in the masking note", () => {
    const shared = callerForAudience(support, "shared");
    expect(shared).toMatchObject({ userId: "USUP", role: "support", canSeePii: false });
    expect(maskingNote(shared)).toContain("posted in a shared channel");
    expect(support.canSeePii).toBe(true);
  });

  it("never widens access", () => {
    expect(callerForAudience(marketer, "private")).toBe(marketer);
    expect(callerForAudience(marketer, "shared")).toBe(marketer);
    expect(maskingNote(callerForAudience(marketer, "shared"))).toContain("marketer role");
  });
});
