// Helpdesk ticket exports that carry the customer on each row: unknown customers are created and known ones updated
// in the import's transaction (as for orders, touches and NPS answers); a failing last row leaves nothing behind.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const tmp = mkdtempSync(join(tmpdir(), "beacon-tickets-inline-"));
const opts: ImportOptions = { timezone: "Asia/Shanghai" };

function tempCsv(name: string, lines: readonly string[]): string {
  const file = join(tmp, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

// A Udesk-style 工单 export: the customer's id, name, phone and e-mail on every ticket.
const UDESK = [
  "工单编号,客户编号,客户名称,联系电话,邮箱,创建时间,渠道,问题分类,优先级,状态,问题描述,处理人,解决时间",
  "T-1001,C-1001,张伟,13800138000,zhang.wei@example.com,2026-03-02 10:00,电话,物流,高,已解决,快递三天没到，电话也打不通,王芳,2026-03-02 16:30",
  "T-1002,N-2001,陈静,13912345678,chen.jing@example.com,2026-03-03 09:30,微信,质量,紧急,处理中,面霜开封后有异味，要求退换,李强,",
  "T-1003,N-2002,刘洋,,liu.yang@example.com,2026-03-04 14:05,邮件,退款,普通,待处理,退款申请提交一周了还没到账,,",
  "T-1004,,,,,2026-03-04 18:20,门店,其他,低,已关闭,门店试用装不够,,2026-03-05 10:00",
  "T-1005,N-2001,陈静,13912345678,,2026-02-27 20:15,微信,价格,,新建,直播间价格比详情页便宜，能否补差价,,",
];

interface TicketRow {
  key: string;
  customer: string | null;
  source_channel: string;
  category: string;
  severity: string;
  priority: string;
  status: string;
  reporter: string;
  assignee: string | null;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
}

async function tickets(db: Database): Promise<TicketRow[]> {
  const { rows } = await db.pool.query<TicketRow>(
    `SELECT t.idempotency_key AS key, c.external_id AS customer, t.source_channel, t.category, t.severity, t.priority,
            t.status, t.reporter, t.assignee,
            to_char(t.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS created_at,
            to_char(t.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS updated_at,
            to_char(t.resolved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS resolved_at
     FROM feedback_tickets t LEFT JOIN customers c ON c.id = t.customer_id ORDER BY t.idempotency_key`,
  );
  return rows;
}

async function counts(db: Database): Promise<{ customers: number; tickets: number }> {
  const { rows } = await db.pool.query<{ customers: number; tickets: number }>(
    "SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM feedback_tickets) AS tickets",
  );
  return rows[0] ?? { customers: -1, tickets: -1 };
}

describe.each(testEngines())("tickets with inline customers on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(`INSERT INTO customers (external_id, name, phone, city, signup_date) VALUES
      ('C-1001', '张伟', '8613800138000', '北京', '2025-05-01')`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("creates unknown customers and updates known ones in the same import, then re-imports idempotently", async () => {
    const file = tempCsv("udesk-tickets.csv", UDESK);
    const report = await importCsv(db, "tickets", file, opts);
    expect(report).toMatchObject({ entity: "tickets", rows: 5, inserted: 5, updated: 0 });
    expect(report.customers).toEqual({
      created: 2,
      updated: 1,
      matchedBy: "customer id, else e-mail (case-insensitive), else phone",
    });
    expect(report.notes).toContain("customers matched by customer id: 1 existing, 2 created");
    const { rows: people } = await db.pool.query(
      `SELECT external_id, name, phone, email, to_char(signup_date, 'YYYY-MM-DD') AS signup_date
       FROM customers ORDER BY external_id`,
    );
    expect(people).toEqual([
      // Known: the e-mail the export adds is kept, the signup date stays.
      {
        external_id: "C-1001",
        name: "张伟",
        phone: "8613800138000",
        email: "zhang.wei@example.com",
        signup_date: "2025-05-01",
      },
      // New: signed up on their earliest ticket (N-2001's is on the file's last line).
      {
        external_id: "N-2001",
        name: "陈静",
        phone: "8613912345678",
        email: "chen.jing@example.com",
        signup_date: "2026-02-27",
      },
      { external_id: "N-2002", name: "刘洋", phone: null, email: "liu.yang@example.com", signup_date: "2026-03-04" },
    ]);
    expect(await tickets(db)).toEqual([
      {
        key: "import:T-1001",
        customer: "C-1001",
        source_channel: "phone",
        category: "delivery",
        severity: "high",
        priority: "P2",
        status: "resolved",
        reporter: "import",
        assignee: "王芳",
        created_at: "2026-03-02 10:00",
        updated_at: "2026-03-02 16:30",
        resolved_at: "2026-03-02 16:30",
      },
      {
        key: "import:T-1002",
        customer: "N-2001",
        source_channel: "chat",
        category: "product_quality",
        severity: "critical",
        priority: "P1",
        status: "in_progress",
        reporter: "import",
        assignee: "李强",
        created_at: "2026-03-03 09:30",
        updated_at: "2026-03-03 09:30",
        resolved_at: null,
      },
      {
        key: "import:T-1003",
        customer: "N-2002",
        source_channel: "email",
        category: "billing",
        severity: "medium",
        priority: "P3",
        status: "new",
        reporter: "import",
        assignee: null,
        created_at: "2026-03-04 14:05",
        updated_at: "2026-03-04 14:05",
        resolved_at: null,
      },
      {
        key: "import:T-1004",
        customer: null,
        source_channel: "in_store",
        category: "other",
        severity: "low",
        priority: "P4",
        status: "closed",
        reporter: "import",
        assignee: null,
        created_at: "2026-03-04 18:20",
        updated_at: "2026-03-05 10:00",
        resolved_at: "2026-03-05 10:00",
      },
      {
        // No priority in the file: medium severity of a customer of unknown value tier is P3.
        key: "import:T-1005",
        customer: "N-2001",
        source_channel: "chat",
        category: "pricing",
        severity: "medium",
        priority: "P3",
        status: "new",
        reporter: "import",
        assignee: null,
        created_at: "2026-02-27 20:15",
        updated_at: "2026-02-27 20:15",
        resolved_at: null,
      },
    ]);
    const body = await db.pool.query("SELECT body FROM feedback_tickets WHERE idempotency_key = 'import:T-1001'");
    expect(body.rows).toEqual([{ body: "快递三天没到，电话也打不通" }]);
    const again = await importCsv(db, "tickets", file, opts);
    expect(again).toMatchObject({ inserted: 0, updated: 5, unchanged: 5 });
    expect(again.customers).toMatchObject({ created: 0 });
    expect(await counts(db)).toEqual({ customers: 3, tickets: 5 });
  });

  it("matches by e-mail when a Zendesk-style export has no customer id, creating the unknown requesters", async () => {
    const file = tempCsv("zendesk-tickets.csv", [
      "Ticket ID,Requester,Requester email,Created at,Via,Priority,Status,Description",
      "5001,Zhang Wei,ZHANG.WEI@example.com,2026-03-06 09:00,Web form,Urgent,Open,Checkout page shows an error",
      "5002,Olivia Brown,olivia.brown@example.com,2026-03-06 10:15,Email,Low,Solved,Thanks for the quick refund",
    ]);
    const report = await importCsv(db, "tickets", file, opts);
    expect(report).toMatchObject({ rows: 2, inserted: 2 });
    expect(report.customers).toEqual({ created: 1, updated: 1, matchedBy: "e-mail (case-insensitive)" });
    const { rows } = await db.pool.query(
      `SELECT t.idempotency_key AS key, c.external_id AS customer, c.name, t.source_channel, t.priority, t.severity, t.status
       FROM feedback_tickets t JOIN customers c ON c.id = t.customer_id
       WHERE t.idempotency_key IN ('import:5001', 'import:5002') ORDER BY 1`,
    );
    expect(rows).toEqual([
      // The known customer (by e-mail, whatever its case) takes the name the export gives.
      {
        key: "import:5001",
        customer: "C-1001",
        name: "Zhang Wei",
        source_channel: "chat",
        priority: "P1",
        severity: "critical",
        status: "triaged",
      },
      {
        key: "import:5002",
        customer: "email:olivia.brown@example.com",
        name: "Olivia Brown",
        source_channel: "email",
        priority: "P4",
        severity: "low",
        status: "resolved",
      },
    ]);
  });

  it("writes no customer and no ticket when the last row fails", async () => {
    const lines = UDESK.map((l, i) => (i === 0 ? l : l.replace(/^T-1/, "T-9").replace(/,N-2/, ",X-2")));
    const last = lines.length - 1;
    // 已退货 is no ticket status.
    lines[last] = (lines[last] ?? "").replace(",新建,", ",已退货,");
    const before = await counts(db);
    const error = await importCsv(db, "tickets", tempCsv("udesk-last-bad.csv", lines), opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    expect((error as ImportValidationError).problems).toEqual([
      {
        line: 6,
        column: "状态",
        reason: 'expected one of new, triaged, in_progress, resolved, followed_up, closed; got "已退货"',
      },
    ]);
    expect(await counts(db)).toEqual(before);
    const created = await db.pool.query("SELECT external_id FROM customers WHERE external_id LIKE 'X-%'");
    expect(created.rows).toEqual([]);
  });
});
