// Resolves what rows refer to: channels (code, name, platform, or an alias from channel_aliases), customers (external
// id), campaigns (external id or name). Channels and campaigns are small catalogues held in memory; customers are looked
// up per batch so a million-customer table is never loaded.
import type { Queryable } from "../pool.ts";
import { normaliseKey } from "./columns.ts";
import type { Parsed } from "./values.ts";

/** A channel of the catalogue. */
export interface ChannelRef {
  id: number;
  code: string;
  name: string;
  platform: string;
}

/** A campaign as the importer needs it. */
export interface CampaignRef {
  id: number;
  externalId: string;
  name: string;
  channelId: number;
}

const LISTED = 25;

/** Lookups against the database inside the import's transaction. */
export class References {
  private channelList: ChannelRef[] = [];
  private readonly byCode = new Map<string, ChannelRef>();
  private readonly byName = new Map<string, ChannelRef[]>();
  private readonly byPlatform = new Map<string, ChannelRef[]>();
  /** channel_aliases: normalised alias -> channel (the user's mapping of other spellings). */
  private readonly byAlias = new Map<string, ChannelRef>();
  private campaignsLoaded = false;
  private readonly campaignsById = new Map<string, CampaignRef>();
  private readonly campaignsByName = new Map<string, CampaignRef[]>();

  constructor(private readonly db: Queryable) {}

  /** Loads the channel catalogue; returns how many channels exist. */
  async loadChannels(): Promise<number> {
    const { rows } = await this.db.query<ChannelRef>("SELECT id, code, name, platform FROM channels ORDER BY code");
    this.channelList = rows;
    for (const map of [this.byCode, this.byName, this.byPlatform, this.byAlias]) map.clear(); // safe to call again
    for (const channel of rows) {
      this.byCode.set(normaliseKey(channel.code), channel);
      push(this.byName, normaliseKey(channel.name), channel);
      push(this.byPlatform, normaliseKey(channel.platform), channel);
    }
    const byId = new Map(rows.map((c) => [c.id, c]));
    const aliases = await this.db.query<{ alias: string; channel_id: number }>(
      "SELECT alias, channel_id FROM channel_aliases",
    );
    for (const { alias, channel_id } of aliases.rows) {
      const channel = byId.get(channel_id);
      if (channel) this.byAlias.set(alias, channel);
    }
    return rows.length;
  }

  /**
   * The channel a text names: its code, else its name, else its platform when only one channel has it, else an alias
   * (beacon channels alias). An alias also settles a name or platform several channels share.
   */
  channel(text: string): Parsed<ChannelRef> {
    const key = normaliseKey(text);
    const byCode = this.byCode.get(key);
    if (byCode) return { ok: true, value: byCode };
    let shared: string | undefined;
    for (const [map, what] of [
      [this.byName, "name"],
      [this.byPlatform, "platform"],
    ] as const) {
      const hits = map.get(key) ?? [];
      if (hits.length === 1 && hits[0]) return { ok: true, value: hits[0] };
      if (hits.length > 1 && shared === undefined) {
        shared = `"${text}" is the ${what} of several channels (${hits.map((c) => c.code).join(", ")}); use the channel code`;
      }
    }
    const byAlias = this.byAlias.get(key);
    if (byAlias) return { ok: true, value: byAlias };
    if (shared !== undefined) return { ok: false, error: shared };
    return { ok: false, error: `unknown channel "${text}"; known channel codes: ${this.knownCodes()}` };
  }

  /** Whether the catalogue has no channel at all (after loadChannels). */
  get noChannels(): boolean {
    return this.channelList.length === 0;
  }

  /** The platform a text names (a platform, or a channel code/name standing for its platform), as the catalogue spells it. */
  platform(text: string): Parsed<string> {
    const hits = this.byPlatform.get(normaliseKey(text));
    if (hits?.[0]) return { ok: true, value: hits[0].platform };
    const channel = this.channel(text);
    if (channel.ok) return { ok: true, value: channel.value.platform };
    const platforms = [...new Set(this.channelList.map((c) => c.platform))].sort();
    return {
      ok: false,
      error: `unknown platform "${text}"; known platforms: ${listed(platforms)} (or a channel code: ${this.knownCodes()})`,
    };
  }

  /** The code of a channel id (for messages). */
  channelCode(id: number): string {
    return this.channelList.find((c) => c.id === id)?.code ?? String(id);
  }

  private knownCodes(): string {
    return listed(this.channelList.map((c) => c.code));
  }

  /** Customer ids by external id for the given external ids (absent ones are missing from the map). */
  async customerIds(externalIds: Iterable<string>): Promise<Map<string, number>> {
    const ids = [...new Set(externalIds)];
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<{ external_id: string; id: number }>(
      "SELECT external_id, id FROM customers WHERE external_id = ANY($1::text[])",
      [ids],
    );
    return new Map(rows.map((r) => [r.external_id, Number(r.id)]));
  }

  /** Loads the campaign catalogue once. */
  async loadCampaigns(): Promise<void> {
    if (this.campaignsLoaded) return;
    const { rows } = await this.db.query<{ id: number; external_id: string; name: string; channel_id: number }>(
      "SELECT id, external_id, name, channel_id FROM campaigns",
    );
    for (const r of rows) this.remember({ id: r.id, externalId: r.external_id, name: r.name, channelId: r.channel_id });
    this.campaignsLoaded = true;
  }

  /** The campaign with this exact external id, if any. */
  campaignById(externalId: string): CampaignRef | undefined {
    return this.campaignsById.get(externalId);
  }

  /**
   * The campaign a text names: an external id, else a name (case-insensitive), preferring `channelId`'s campaigns.
   * ok(null) when nothing matches; an error when a name is shared by several campaigns.
   */
  campaign(text: string, channelId?: number): Parsed<CampaignRef | null> {
    const byId = this.campaignsById.get(text);
    if (byId) return { ok: true, value: byId };
    const all = this.campaignsByName.get(campaignKey(text)) ?? [];
    const named = channelId === undefined ? all : all.filter((c) => c.channelId === channelId);
    if (named.length === 1 && named[0]) return { ok: true, value: named[0] };
    if (named.length > 1) {
      const ids = named.map((c) => c.externalId).join(", ");
      return { ok: false, error: `several campaigns are named "${text}" (${ids}); use the campaign id` };
    }
    return { ok: true, value: null };
  }

  /** Creates a campaign (ad_spend only) and adds it to the catalogue. */
  async createCampaign(externalId: string, name: string, channelId: number, startDate: string): Promise<CampaignRef> {
    const { rows } = await this.db.query<{ id: number }>(
      "INSERT INTO campaigns (external_id, channel_id, name, start_date) VALUES ($1, $2, $3, $4) RETURNING id",
      [externalId, channelId, name, startDate],
    );
    const campaign = { id: Number(rows[0]?.id), externalId, name, channelId };
    this.remember(campaign);
    return campaign;
  }

  private remember(campaign: CampaignRef): void {
    this.campaignsById.set(campaign.externalId, campaign);
    push(this.campaignsByName, campaignKey(campaign.name), campaign);
  }
}

function campaignKey(name: string): string {
  return name.normalize("NFKC").trim().toLowerCase().replace(/\s+/g, " ");
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function listed(items: readonly string[]): string {
  if (items.length === 0) return "(none)";
  return items.length > LISTED
    ? `${items.slice(0, LISTED).join(", ")}, ... (${items.length} in all)`
    : items.join(", ");
}
