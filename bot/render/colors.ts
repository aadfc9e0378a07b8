/** One colour per channel, the same in every chart (Tableau 20-like, distinguishable at preview size). */
const CHANNEL_COLORS: Record<string, string> = {
  google_search: "#4e79a7",
  baidu_search: "#2f4b7c",
  meta_ads: "#1877f2",
  wechat_ads: "#59a14f",
  weibo_ads: "#e15759",
  xiaohongshu: "#ff9da7",
  douyin_ads: "#17202a",
  tiktok_ads: "#76b7b2",
  youtube: "#c0392b",
  display_gdn: "#f28e2b",
  affiliate: "#b07aa1",
  kol: "#9c755f",
  offline_events: "#edc948",
  email: "#8cd17d",
  direct: "#bab0ac",
  organic_search: "#86bcb6",
};

const FALLBACK = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];

/** The colour of a channel (or any series key): fixed for known channels, a stable hash for the rest. */
export function colorFor(key: string): string {
  const known = CHANNEL_COLORS[key];
  if (known) return known;
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return FALLBACK[hash % FALLBACK.length] as string;
}
