import { describe, expect, it } from "vitest";
import { plainSlashText } from "../../bot/commands/slack-text.ts";

describe("plainSlashText (escaped /beacon text back to what the user typed)", () => {
  it("unwraps links and e-mail addresses to their target", () => {
    expect(plainSlashText('ticket body="see <https://shop.example.cn/o/1|shop.example.cn/o/1>"')).toBe(
      'ticket body="see https://shop.example.cn/o/1"',
    );
    expect(plainSlashText("find email=<mailto:li.na@example.cn|li.na@example.cn>")).toBe("find email=li.na@example.cn");
    expect(plainSlashText("<https://a.example/x>")).toBe("https://a.example/x");
  });

  it("decodes &, < and > and keeps channel, user and broadcast references", () => {
    expect(plainSlashText("ask revenue &gt; 100 &amp; ROAS &lt; 2")).toBe("ask revenue > 100 & ROAS < 2");
    expect(plainSlashText('digest add "0 9 * * 1" <#C0123ABC|marketing> by <@U42|li> <!here>')).toBe(
      'digest add "0 9 * * 1" <#C0123ABC|marketing> by <@U42|li> <!here>',
    );
  });

  it("leaves plain text alone", () => {
    expect(plainSlashText("kpi group_by=channel,week start=2026-10-01")).toBe(
      "kpi group_by=channel,week start=2026-10-01",
    );
  });
});
