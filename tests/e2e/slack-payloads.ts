// Builders for the request bodies Slack sends (Events API, slash commands, interactions), trimmed to what Bolt reads.
let counter = 0;
const next = () => {
  counter += 1;
  return counter;
};

/** An Events API envelope around `event`. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${Date.now()}${next()}`) {
  return {
    token: "t",
    team_id: "T1",
    api_app_id: "A1",
    type: "event_callback",
    event_id: eventId,
    event_time: 1,
    event,
  };
}

/** An @mention in a channel (optionally inside a thread). */
export function mention(
  text: string,
  options: { channel?: string; user?: string; ts?: string; threadTs?: string } = {},
) {
  const ts = options.ts ?? `${1_800_000_000 + next()}.000100`;
  return {
    type: "app_mention",
    user: options.user ?? "UMARKETER",
    text: `<@UBEACON> ${text}`,
    ts,
    channel: options.channel ?? "CMARKETING",
    event_ts: ts,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
}

/** A slash command form body. */
export function slashCommand(text: string, options: { user?: string; channel?: string } = {}): Record<string, string> {
  return {
    token: "t",
    team_id: "T1",
    channel_id: options.channel ?? "CMARKETING",
    channel_name: "marketing",
    user_id: options.user ?? "UMARKETER",
    user_name: "someone",
    command: "/beacon",
    text,
    api_app_id: "A1",
    response_url: "http://127.0.0.1:9/unused",
    trigger_id: `trig.${Date.now()}.${next()}`,
  };
}

/** An interaction payload wrapped as Slack sends it (form field `payload`). */
export function interaction(payload: Record<string, unknown>): Record<string, string> {
  return { payload: JSON.stringify({ team: { id: "T1" }, api_app_id: "A1", token: "t", ...payload }) };
}

/** A button click on a message the bot posted. */
export function buttonClick(
  actionId: string,
  value: string,
  options: { user?: string; channel?: string; messageTs?: string } = {},
) {
  return interaction({
    type: "block_actions",
    user: { id: options.user ?? "UMARKETER" },
    channel: { id: options.channel ?? "CMARKETING" },
    message: { ts: options.messageTs ?? "1700000001.000100", text: "" },
    container: { type: "message", message_ts: options.messageTs ?? "1700000001.000100" },
    trigger_id: `trig.${Date.now()}.${next()}`,
    response_url: "http://127.0.0.1:9/unused",
    actions: [{ type: "button", action_id: actionId, block_id: "b", value, action_ts: "1" }],
  });
}
