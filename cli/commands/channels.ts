import {
  addChannel,
  aliasChannel,
  CHANNEL_TYPES,
  inTransaction,
  listChannels,
  removeAlias,
  renameChannel,
} from "../../db/channels.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { printJson, withDatabase } from "../context.ts";

const USAGE = `Usage:
  beacon channels list
      Every channel: code, name, type, platform, is_paid and its aliases (JSON).
  beacon channels add <code> --name NAME --type TYPE --platform PLATFORM [--paid | --unpaid]
      Adds a channel. code: lower-case letters, digits and _ (offline_events), the stable id imports and reports use.
      type: ${CHANNEL_TYPES.join(", ")}. Paid unless --unpaid (direct and organic: unpaid unless --paid).
  beacon channels alias <alias> <code> [--move]
      Maps another spelling (a CRM lead source such as 展会 or "Web Download", a GA4 channel group) to the channel;
      imports then resolve it. --move re-points an alias that maps to another channel now.
  beacon channels alias --remove <alias>
  beacon channels rename <code> --name "New name"
      Changes the display name; the code stays, so imports, aliases and reports keep working.
  The whole catalogue can also be loaded from a CSV: beacon import channels <channels.csv>.`;

const OPTIONS = {
  name: { type: "string" },
  type: { type: "string" },
  platform: { type: "string" },
  paid: { type: "boolean" },
  unpaid: { type: "boolean" },
  remove: { type: "boolean" },
  move: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

/** `beacon channels list|add|alias|rename`: the channel catalogue, edited by its owner. */
export async function channelsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, USAGE);
  const [action, ...rest] = positionals;
  switch (action) {
    case "list":
      expectArgs(rest, 0, "list");
      return withDatabase(async (db) => {
        printJson({ channels: await listChannels(db.pool) });
        return 0;
      });
    case "add":
      return add(rest, values);
    case "alias":
      return alias(rest, values);
    case "rename":
      return rename(rest, values);
    default:
      throw new UsageError(
        action ? `unknown channels action "${action}"` : "missing the action (list, add, alias or rename)",
        USAGE,
      );
  }
}

function expectArgs(rest: string[], count: number, action: string, what = ""): void {
  if (rest.length < count) throw new UsageError(`channels ${action}: missing ${what}`, USAGE);
  if (rest.length > count) throw new UsageError(`unexpected arguments: ${rest.slice(count).join(" ")}`, USAGE);
}

function add(rest: string[], values: Values): Promise<number> {
  expectArgs(rest, 1, "add", "the channel code");
  const missing = (["name", "type", "platform"] as const).filter((o) => values[o] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`channels add: missing ${missing.map((o) => `--${o}`).join(", ")}`, USAGE);
  }
  if (values.paid && values.unpaid) throw new UsageError("channels add: --paid and --unpaid contradict", USAGE);
  const code = rest[0] as string;
  return withDatabase(async (db) => {
    const added = await inTransaction(db.pool, (client) =>
      addChannel(client, {
        code,
        name: values.name as string,
        type: values.type as string,
        platform: values.platform as string,
        isPaid: values.paid ? true : values.unpaid ? false : undefined,
      }),
    );
    printJson({ added });
    return 0;
  });
}

function alias(rest: string[], values: Values): Promise<number> {
  if (values.remove) {
    expectArgs(rest, 1, "alias --remove", "the alias to remove");
    return withDatabase(async (db) => {
      const removed = await inTransaction(db.pool, (client) => removeAlias(client, rest[0] as string));
      printJson({ removed });
      return 0;
    });
  }
  expectArgs(rest, 2, "alias", "the alias and the channel code (beacon channels alias <alias> <code>)");
  const [text, code] = rest as [string, string];
  return withDatabase(async (db) => {
    const result = await inTransaction(db.pool, (client) => aliasChannel(client, text, code, { move: values.move }));
    printJson({ ...result, next: "imports resolve the alias from now on; import the file again to map its rows" });
    return 0;
  });
}

function rename(rest: string[], values: Values): Promise<number> {
  expectArgs(rest, 1, "rename", "the channel code");
  if (values.name === undefined) throw new UsageError('channels rename: missing --name "New name"', USAGE);
  const code = rest[0] as string;
  const name = values.name;
  return withDatabase(async (db) => {
    const { previous } = await inTransaction(db.pool, (client) => renameChannel(client, code, name));
    printJson({
      code,
      name: name.trim(),
      previous_name: previous,
      note: `the code stays ${code}: imports, aliases and reports that use it keep working`,
    });
    return 0;
  });
}
