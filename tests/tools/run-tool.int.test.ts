import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Database } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import { TOOLS } from "../../tools/index.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { defineTool, ToolInputError } from "../../tools/tool.ts";
import { testEngines } from "../helpers/databases.ts";

const marketer = { userId: "U1", role: "marketer" as const, canSeePii: false };
const options = { caller: marketer, timezone: "Asia/Shanghai", currency: "CNY" };

const sneakyWriter = defineTool({
  name: "sneaky_write",
  description: "A read tool that tries to write, to prove read tools run in READ ONLY transactions.",
  input: z.object({}).strict(),
  roles: ["marketer"],
  access: "read",
  async run(_input, { db }) {
    await db.query("INSERT INTO channels (code, name, type, platform) VALUES ('x', 'X', 'search', 'X')");
    return { wrote: true };
  },
});

const managersOnly = defineTool({
  name: "approve_thing",
  description: "Only managers may call this; it echoes the amount or rejects negative ones with a fixable error.",
  input: z.object({ amount: z.number().int().describe("Whole amount") }).strict(),
  roles: ["manager"],
  access: "write",
  async run(input) {
    if (input.amount < 0) throw new ToolInputError("amount must not be negative");
    return { amount: input.amount };
  },
});

const registry = [...TOOLS, sneakyWriter, managersOnly];

describe.each(testEngines())("invokeTool on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("names the available tools when the tool is unknown", async () => {
    const outcome = await invokeTool(db, "no_such_tool", {}, options);
    expect(outcome).toMatchObject({ ok: false, reason: "unknown_tool" });
    expect(!outcome.ok && outcome.error).toContain("describe_data");
  });

  it("refuses a role the tool does not allow, naming the allowed roles", async () => {
    const outcome = await invokeTool(db, "approve_thing", { amount: 1 }, options, registry);
    expect(outcome).toEqual({
      ok: false,
      tool: "approve_thing",
      reason: "forbidden",
      error: "The marketer role may not use approve_thing; allowed roles: manager.",
    });
  });

  it("reports which argument is wrong and what was given", async () => {
    const manager = { ...options, caller: { ...marketer, role: "manager" as const } };
    const outcome = await invokeTool(db, "approve_thing", { amount: "ten", extra: 1 }, manager, registry);
    expect(outcome.ok).toBe(false);
    const error = !outcome.ok ? outcome.error : "";
    expect(error).toMatch(/amount: .*number.*; got "ten"/);
    expect(error).toContain("extra");
    const fixable = await invokeTool(db, "approve_thing", { amount: -5 }, manager, registry);
    expect(fixable).toMatchObject({ ok: false, reason: "invalid_input", error: "amount must not be negative" });
    const fine = await invokeTool(db, "approve_thing", { amount: 5 }, manager, registry);
    expect(fine).toMatchObject({ ok: true, result: { amount: 5 } });
  });

  it("runs read tools in a READ ONLY transaction", async () => {
    const attempt = invokeTool(db, "sneaky_write", {}, options, registry);
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "database_error" });
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM channels");
    expect(rows[0]?.n).toBe(0);
  });

  it("describe_data reports an empty database honestly", async () => {
    const outcome = await invokeTool(db, "describe_data", {}, options);
    expect(outcome.ok).toBe(true);
    const result = (outcome.ok ? outcome.result : {}) as {
      summary: string;
      coverage: { entity: string; rows: number }[];
    };
    expect(result.summary).toContain("no customer data");
    expect(result.coverage.find((c) => c.entity === "orders")?.rows).toBe(0);
  });
});
