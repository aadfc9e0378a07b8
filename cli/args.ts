import { parseArgs } from "node:util";

/** A mistake in how a command was typed: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
    /** True when the user asked for the usage (--help): printed on stdout, exit code 0. */
    readonly requested = false,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** parseArgs with errors turned into UsageError that name the bad option. */
export function parseCommandArgs<T extends OptionSpec>(args: string[], options: T, usage: string) {
  if (!("help" in options) && args.some((a) => a === "--help" || a === "-h")) {
    throw new UsageError("", usage, true);
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}

/** Parses a positive integer option, naming the option when it is not one. */
export function positiveInt(value: string | undefined, name: string, fallback: number, usage: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--${name} must be a positive whole number, got "${value}"`, usage);
  }
  return Number(value);
}
