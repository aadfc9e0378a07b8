import { createRequire } from "node:module";
import { z } from "zod";

/** The roles (tools/tool.ts ROLES; config.ts imports nothing of Beacon's) a BEACON_IMPORT_ROLES list may name. */
const IMPORT_ROLE_NAMES = ["marketer", "manager", "support", "admin"] as const;

/** Empty strings in .env files mean "not set". */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const boolFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** Exported so a test can check that .env.example documents every variable. */
export const ConfigSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "expected a postgres:// or postgresql:// URL" }).optional(),
  ),
  // Optional streaming replica of DATABASE_URL: read-only analytics (tools, query_database, search) run there.
  DATABASE_READ_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "expected a postgres:// or postgresql:// URL" }).optional(),
  ),
  // Tests only: a PostgreSQL server on which integration tests also run (each test file gets a fresh database).
  TEST_DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "expected a postgres:// or postgresql:// URL" }).optional(),
  ),
  // Tests only: a streaming replica of TEST_DATABASE_URL's server, for the read-replica tests.
  TEST_READ_DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "expected a postgres:// or postgresql:// URL" }).optional(),
  ),
  // Benchmarks only: a PostgreSQL server on which `npm run bench` creates its own scratch databases.
  BENCH_DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "expected a postgres:// or postgresql:// URL" }).optional(),
  ),
  BEACON_DATA_DIR: z.string().min(1).default("./data"),
  BEACON_TIMEZONE: z
    .string()
    .default("Asia/Shanghai")
    .refine((tz) => isValidTimeZone(tz), { error: "expected an IANA time zone such as Asia/Shanghai" }),
  BEACON_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: "expected an ISO 4217 code such as CNY" })
    .default("CNY"),
  // Phone numbers written without "+" in imports are read as this country's numbers.
  BEACON_DEFAULT_PHONE_REGION: z
    .string()
    .default("CN")
    .transform((code) => code.trim().toUpperCase())
    .refine((code) => isSupportedCountry(code), {
      error: "expected a two-letter ISO 3166 country code such as CN, US, GB or DE",
    }),
  BEACON_FISCAL_YEAR_START_MONTH: z.coerce.number().int().min(1).max(12).default(1),
  BEACON_DEFAULT_ROLE: z.enum(["marketer", "manager", "support", "admin"]).default("marketer"),
  BEACON_AUTO_DEMO: boolFlag,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url({ error: "expected an http(s) URL" }).optional()),
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
  OPENAI_EMBEDDING_MODEL: z.string().min(1).default("text-embedding-3-small"),
  // The SDK's defaults (10 minutes, 2 retries) are far too long for a chat answer.
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  // Prices in US dollars per million tokens, for the cost estimate in the audit log.
  OPENAI_PRICE_INPUT_PER_MTOK: z.coerce.number().min(0).default(0.15),
  OPENAI_PRICE_OUTPUT_PER_MTOK: z.coerce.number().min(0).default(0.6),
  BEACON_QUESTION_TIME_BUDGET_MS: z.coerce.number().int().min(1000).max(600_000).default(90_000),
  BEACON_MAX_TOOL_STEPS: z.coerce.number().int().min(1).max(50).default(8),
  // A three-tool question with one grounding repair measured ~51k tokens (o200k) with the routed tool list.
  BEACON_QUESTION_TOKEN_BUDGET: z.coerce.number().int().min(1000).default(100_000),
  BEACON_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6),
  BEACON_DAILY_TOKEN_QUOTA: z.coerce.number().int().min(1000).default(1_000_000),
  BEACON_SUPPORT_CHANNEL: optionalString,
  // Slack channel id (C…) the daily anomaly scan posts to; unset: no scan, no alerts.
  BEACON_ALERT_CHANNEL: optionalString,
  // Local time (24-hour HH:MM in BEACON_TIMEZONE) after which the day's anomaly scan runs.
  BEACON_ALERT_TIME: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text?.trim() || "08:00"); // unset or empty: 08:00
      if (match) return `${(match[1] as string).padStart(2, "0")}:${match[2]}`; // "7:30" -> "07:30"
      ctx.addIssue({ code: "custom", message: "expected a 24-hour local time HH:MM such as 08:00 or 7:30" });
      return z.NEVER;
    }),
  BEACON_FOLLOW_UP_DAYS: z.coerce.number().int().min(1).max(90).default(3),
  BEACON_P1_UNTOUCHED_HOURS: z.coerce.number().int().min(1).max(720).default(4),
  // Who may import CSV files uploaded in Slack: a comma-separated list of roles.
  BEACON_IMPORT_ROLES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const roles = (text ?? "")
        .split(",")
        .map((role) => role.trim().toLowerCase())
        .filter((role) => role !== "");
      if (roles.length === 0) return ["admin" as const]; // unset or empty: admins only
      const unknown = roles.filter((role) => !(IMPORT_ROLE_NAMES as readonly string[]).includes(role));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `unknown role ${unknown.map((r) => `"${r}"`).join(", ")}: expected a comma-separated list of ${IMPORT_ROLE_NAMES.join(", ")}`,
        });
        return z.NEVER;
      }
      return roles as (typeof IMPORT_ROLE_NAMES)[number][];
    }),
  BEACON_UPLOAD_MAX_MB: z.coerce
    .number({ error: "expected megabytes, e.g. 50" })
    .positive({ error: "expected megabytes above 0, e.g. 50" })
    .max(1024, { error: "at most 1024 MB (larger files: beacon import on the server)" })
    .default(50),
  BEACON_UPLOAD_MAX_ROWS: z.coerce
    .number({ error: "expected a whole number of rows, e.g. 200000" })
    .int({ error: "expected a whole number of rows, e.g. 200000" })
    .min(1, { error: "expected at least 1 row" })
    .default(200_000),
  SLACK_BOT_TOKEN: optionalString.pipe(
    z.string().startsWith("xoxb-", { error: "expected a bot token starting with xoxb-" }).optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.pipe(
    z.string().startsWith("xapp-", { error: "expected an app-level token starting with xapp-" }).optional(),
  ),
  SLACK_API_URL: optionalString.pipe(z.url({ error: "expected an http(s) URL ending in /api/" }).optional()),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Queued Slack work (questions, slash commands) one process works on at once (beacon start / beacon worker).
  BEACON_WORKER_CONCURRENCY: z.coerce
    .number({ error: "expected a whole number of jobs, e.g. 4" })
    .int({ error: "expected a whole number of jobs, e.g. 4" })
    .min(1, { error: "expected at least 1 job at a time" })
    .max(64, { error: "at most 64 jobs at a time per process (run more processes instead)" })
    .default(4),
  // Stream answers in Slack (chat.startStream); false posts each answer when ready. Streamed answers are not yet
  // idempotent per queued job: a job retried after its worker died mid-stream streams a second answer.
  BEACON_STREAM_ANSWERS: z
    .enum(["true", "false"], { error: 'expected "true" or "false"' })
    .default("true")
    .transform((v) => v === "true"),
  // On SIGTERM, jobs still running after this many seconds are handed back to the queue (another process retries).
  BEACON_SHUTDOWN_SECONDS: z.coerce
    .number({ error: "expected seconds, e.g. 25" })
    .int({ error: "expected whole seconds, e.g. 25" })
    .min(1, { error: "expected at least 1 second" })
    .max(600, { error: "at most 600 seconds" })
    .default(25),
  // The MCP server over Streamable HTTP (docs/mcp.md): served by `beacon start` at /mcp when true.
  BEACON_MCP: boolFlag,
  BEACON_MCP_HOST: z.string().trim().min(1).default("127.0.0.1"),
  BEACON_MCP_PORT: z.coerce.number().int().min(1).max(65535).default(3100),
  // MCP tool calls and resource reads per user per minute (their own window; Slack questions keep theirs).
  BEACON_MCP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
});

export type Config = z.infer<typeof ConfigSchema>;

/**
 * libphonenumber-js's isSupportedCountry is this lookup in its metadata (every metadata set lists the same
 * countries). Reading the JSON alone costs ~8 ms; importing the library cost every `beacon` call ~0.1 s of CPU.
 */
function isSupportedCountry(code: string): boolean {
  const metadata = createRequire(import.meta.url)("libphonenumber-js/metadata.min.json") as {
    countries: Record<string, unknown>;
  };
  return Object.hasOwn(metadata.countries, code);
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Thrown when the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates an environment object; pure so tests can feed their own. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = ConfigSchema.refine((config) => !config.DATABASE_READ_URL || config.DATABASE_URL, {
    path: ["DATABASE_READ_URL"],
    error: "a read replica needs its primary: set DATABASE_URL too (or unset DATABASE_READ_URL)",
  }).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join(".") || "(environment)";
        return `${name}: ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`;
      }),
    );
  }
  return result.data;
}

let cached: Config | undefined;

/** The process configuration, parsed once from process.env (the only reader of process.env). */
export function loadConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
