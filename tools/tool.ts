import type { z } from "zod";
import type { Queryable } from "../db/pool.ts";

export const ROLES = ["marketer", "manager", "support", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: resolved from the users table (Slack) or given on the command line. */
export interface Caller {
  userId: string;
  role: Role;
  /** May this caller see names, emails and phone numbers unmasked? */
  canSeePii: boolean;
}

/** Everything a tool may use; passed explicitly, never through globals. */
export interface ToolContext {
  /** A client inside the tool's transaction (READ ONLY for read tools). */
  db: Queryable;
  caller: Caller;
  /** "Today" for relative periods; fixed in tests and evaluations. */
  now: Date;
  timezone: string;
  currency: string;
}

/** A capability the agent, the CLI and slash commands call through one registry. */
export interface ToolDefinition<Input extends z.ZodType = z.ZodType> {
  /** snake_case verb_noun, the name the model sees. */
  name: string;
  /** What it answers, for the model and `beacon tool --list`. */
  description: string;
  input: Input;
  /** Roles allowed to call it; checked again at every call. */
  roles: readonly Role[];
  /** Read tools run in a READ ONLY transaction; write tools in a normal one. */
  access: "read" | "write";
  /**
   * For write tools that change an existing record: the argument naming it (e.g. proposal_id). Through the agent
   * the call only runs when the user's own message in this turn names that value, so text inside tool results
   * (a ticket, a document) can never steer a write.
   */
  subject?: string;
  run(input: z.output<Input>, context: ToolContext): Promise<unknown>;
}

/** Identity helper that keeps the input type flowing into `run`. */
export function defineTool<Input extends z.ZodType>(definition: ToolDefinition<Input>): ToolDefinition<Input> {
  return definition;
}

/** A problem the caller (person or model) can fix; returned as `{ error }`, not thrown to the user. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolInputError";
  }
}
