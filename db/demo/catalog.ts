// The demo company's channels, ad platforms and product categories, with the planted parameters that later
// analytics are expected to recover. Numbers are tuned for a mid-sized Chinese consumer brand selling
// online at home and cross-border abroad; money is CNY.

export type ChannelType =
  | "search"
  | "social"
  | "short_video"
  | "email"
  | "display"
  | "video"
  | "affiliate"
  | "kol"
  | "offline"
  | "direct"
  | "organic";

export type TouchType = "impression" | "click" | "visit" | "email_open";

/** Planted response of weekly acquisitions to weekly spend. */
export type CurveSpec =
  /** K * (1 - exp(-b * spend)); `saturation` = b * mean weekly spend (how far along the curve a typical week is). */
  | { form: "exponential"; saturation: number }
  /** K * spend^shape / (spend^shape + h^shape); h = halfSaturation * mean weekly spend (S-shaped for shape > 1). */
  | { form: "hill"; halfSaturation: number; shape: number };

export interface ChannelSpec {
  code: string;
  name: string;
  type: ChannelType;
  /** Ad platform (for paid media: the platform whose reports claim conversions) or owner. */
  platform: string;
  isPaid: boolean;
  /** Paid: share of paid acquisitions. Unpaid: share of all customers (a constant daily baseline). */
  share: number;
  /** Paid: average acquisition cost over the period, CNY per new customer. */
  cac: number;
  curve: CurveSpec | null;
  /** Cost per thousand impressions (CNY) and click-through rate, for delivery numbers. */
  cpm: number;
  ctr: number;
  /** Share of the customers this channel acquires who live outside China. */
  international: number;
  /** Probability that a customer acquired here places a first order. */
  firstOrderRate: number;
  /** Multiplier on the customer's typical order value (which channel brings big spenders). */
  valueMultiplier: number;
  /** Mean age of the customers it acquires. */
  meanAge: number;
  /** Language used for campaign names. */
  lang: "zh" | "en";
  /** Short label used inside campaign names. */
  label: string;
}

/** Paid channels acquire PAID_SHARE of customers through their response curves; the rest is the unpaid baseline. */
export const PAID_SHARE = 0.75;

/** The 16 channels, in id order (channel id = index + 1). */
export const CHANNELS: readonly ChannelSpec[] = [
  {
    code: "google_search",
    name: "Google Search Ads",
    type: "search",
    platform: "Google Ads",
    isPaid: true,
    share: 0.06,
    cac: 240,
    curve: { form: "exponential", saturation: 0.6 },
    cpm: 95,
    ctr: 0.045,
    international: 0.7,
    firstOrderRate: 0.84,
    valueMultiplier: 1.35,
    meanAge: 34,
    lang: "en",
    label: "Google Search",
  },
  {
    code: "baidu_search",
    name: "百度搜索推广 Baidu Search",
    type: "search",
    platform: "Baidu",
    isPaid: true,
    share: 0.13,
    cac: 150,
    curve: { form: "exponential", saturation: 0.9 },
    cpm: 70,
    ctr: 0.04,
    international: 0.01,
    firstOrderRate: 0.82,
    valueMultiplier: 1.1,
    meanAge: 37,
    lang: "zh",
    label: "百度搜索",
  },
  {
    code: "meta_ads",
    name: "Meta Ads (Facebook & Instagram)",
    type: "social",
    platform: "Meta",
    isPaid: true,
    share: 0.04,
    cac: 260,
    curve: { form: "exponential", saturation: 1.1 },
    cpm: 55,
    ctr: 0.012,
    international: 0.8,
    firstOrderRate: 0.72,
    valueMultiplier: 1.2,
    meanAge: 31,
    lang: "en",
    label: "Meta",
  },
  {
    code: "wechat_ads",
    name: "微信广告 WeChat Ads",
    type: "social",
    platform: "WeChat",
    isPaid: true,
    share: 0.13,
    cac: 170,
    curve: { form: "exponential", saturation: 1.0 },
    cpm: 60,
    ctr: 0.015,
    international: 0.04,
    firstOrderRate: 0.76,
    valueMultiplier: 1.15,
    meanAge: 36,
    lang: "zh",
    label: "微信朋友圈",
  },
  {
    code: "weibo_ads",
    name: "微博广告 Weibo Ads",
    type: "social",
    platform: "Weibo",
    isPaid: true,
    share: 0.05,
    cac: 130,
    curve: { form: "exponential", saturation: 1.4 },
    cpm: 35,
    ctr: 0.01,
    international: 0.01,
    firstOrderRate: 0.66,
    valueMultiplier: 0.85,
    meanAge: 28,
    lang: "zh",
    label: "微博",
  },
  {
    code: "xiaohongshu",
    name: "小红书 Xiaohongshu",
    type: "social",
    platform: "Xiaohongshu",
    isPaid: true,
    share: 0.11,
    cac: 190,
    curve: { form: "exponential", saturation: 0.8 },
    cpm: 80,
    ctr: 0.022,
    international: 0.03,
    firstOrderRate: 0.78,
    valueMultiplier: 1.25,
    meanAge: 27,
    lang: "zh",
    label: "小红书",
  },
  {
    code: "douyin_ads",
    name: "抖音广告 Douyin (Ocean Engine)",
    type: "short_video",
    platform: "Douyin",
    isPaid: true,
    share: 0.18,
    cac: 110,
    curve: { form: "exponential", saturation: 1.5 },
    cpm: 40,
    ctr: 0.018,
    international: 0.01,
    firstOrderRate: 0.7,
    valueMultiplier: 0.8,
    meanAge: 26,
    lang: "zh",
    label: "抖音信息流",
  },
  {
    code: "tiktok_ads",
    name: "TikTok Ads",
    type: "short_video",
    platform: "TikTok",
    isPaid: true,
    share: 0.04,
    cac: 140,
    curve: { form: "exponential", saturation: 1.3 },
    cpm: 45,
    ctr: 0.016,
    international: 0.8,
    firstOrderRate: 0.68,
    valueMultiplier: 0.85,
    meanAge: 25,
    lang: "en",
    label: "TikTok",
  },
  {
    code: "youtube",
    name: "YouTube Video Ads",
    type: "video",
    platform: "Google Ads",
    isPaid: true,
    share: 0.02,
    cac: 330,
    curve: { form: "hill", halfSaturation: 0.9, shape: 2 },
    cpm: 50,
    ctr: 0.006,
    international: 0.75,
    firstOrderRate: 0.64,
    valueMultiplier: 1.05,
    meanAge: 30,
    lang: "en",
    label: "YouTube",
  },
  {
    code: "display_gdn",
    name: "Google Display Network",
    type: "display",
    platform: "Google Ads",
    isPaid: true,
    share: 0.03,
    cac: 280,
    curve: { form: "exponential", saturation: 1.2 },
    cpm: 18,
    ctr: 0.004,
    international: 0.6,
    firstOrderRate: 0.6,
    valueMultiplier: 0.9,
    meanAge: 38,
    lang: "en",
    label: "GDN Display",
  },
  {
    code: "affiliate",
    name: "Affiliate CPS Network",
    type: "affiliate",
    platform: "CPS Affiliate Network",
    isPaid: true,
    share: 0.08,
    cac: 90,
    curve: { form: "exponential", saturation: 0.7 },
    cpm: 25,
    ctr: 0.03,
    international: 0.12,
    firstOrderRate: 0.86,
    valueMultiplier: 0.75,
    meanAge: 33,
    lang: "zh",
    label: "联盟 CPS",
  },
  {
    code: "kol",
    name: "KOL 达人合作 KOL Partnerships",
    type: "kol",
    platform: "KOL Agency",
    isPaid: true,
    share: 0.08,
    cac: 380,
    curve: { form: "hill", halfSaturation: 1.0, shape: 2.2 },
    cpm: 120,
    ctr: 0.02,
    international: 0.05,
    firstOrderRate: 0.7,
    valueMultiplier: 1.45,
    meanAge: 27,
    lang: "zh",
    label: "达人种草",
  },
  {
    code: "offline_events",
    name: "门店活动 Store Events",
    type: "offline",
    platform: "Stores",
    isPaid: true,
    share: 0.05,
    cac: 320,
    curve: { form: "exponential", saturation: 0.5 },
    cpm: 300,
    ctr: 0,
    international: 0.05,
    firstOrderRate: 0.88,
    valueMultiplier: 1.6,
    meanAge: 40,
    lang: "zh",
    label: "门店",
  },
  {
    code: "email",
    name: "Email (EDM)",
    type: "email",
    platform: "SendCloud ESP",
    isPaid: false,
    share: 0.04,
    cac: 0,
    curve: null,
    cpm: 0,
    ctr: 0,
    international: 0.08,
    firstOrderRate: 0.8,
    valueMultiplier: 1.1,
    meanAge: 39,
    lang: "zh",
    label: "EDM",
  },
  {
    code: "direct",
    name: "Direct",
    type: "direct",
    platform: "Direct",
    isPaid: false,
    share: 0.1,
    cac: 0,
    curve: null,
    cpm: 0,
    ctr: 0,
    international: 0.08,
    firstOrderRate: 0.8,
    valueMultiplier: 1.2,
    meanAge: 36,
    lang: "en",
    label: "Direct",
  },
  {
    code: "organic_search",
    name: "Organic Search (SEO)",
    type: "organic",
    platform: "Organic",
    isPaid: false,
    share: 0.11,
    cac: 0,
    curve: null,
    cpm: 0,
    ctr: 0,
    international: 0.08,
    firstOrderRate: 0.78,
    valueMultiplier: 1.05,
    meanAge: 35,
    lang: "en",
    label: "SEO",
  },
];

/** How one ad platform decides an order is "its" conversion (the planted over-claiming rule). */
export interface PlatformRule {
  platform: string;
  channels: readonly string[];
  /** Touch types that count and how many days before the order each counts (click windows vs view windows). */
  windows: Readonly<Partial<Record<TouchType, number>>>;
  /** Probability the platform reports an order it is eligible for (tracking loss, consent, ad blockers). */
  captureRate: number;
  /** Whether the report carries our order id; otherwise only customer + conversion time. */
  passesOrderId: boolean;
  /** Reported value = order amount * (1 + valueBias). */
  valueBias: number;
  /** Reports without an order id time-stamp the conversion up to this many seconds after the order. */
  timeJitterSeconds: number;
  /** Prefix of the platform's own conversion ids. */
  idPrefix: string;
}

/** One rule per ad platform that reports conversions (owned and offline channels have none). */
export const PLATFORM_RULES: readonly PlatformRule[] = [
  {
    platform: "Google Ads",
    channels: ["google_search", "display_gdn", "youtube"],
    windows: { click: 30, impression: 1 },
    captureRate: 0.93,
    passesOrderId: true,
    valueBias: 0.02,
    timeJitterSeconds: 0,
    idPrefix: "GADS",
  },
  {
    platform: "Meta",
    channels: ["meta_ads"],
    windows: { click: 7, impression: 1 },
    captureRate: 0.9,
    passesOrderId: true,
    valueBias: 0.05,
    timeJitterSeconds: 0,
    idPrefix: "META",
  },
  {
    platform: "Baidu",
    channels: ["baidu_search"],
    windows: { click: 30 },
    captureRate: 0.88,
    passesOrderId: false,
    valueBias: 0,
    timeJitterSeconds: 300,
    idPrefix: "BD",
  },
  {
    platform: "WeChat",
    channels: ["wechat_ads"],
    windows: { click: 7 },
    captureRate: 0.86,
    passesOrderId: true,
    valueBias: 0.03,
    timeJitterSeconds: 0,
    idPrefix: "WX",
  },
  {
    platform: "Weibo",
    channels: ["weibo_ads"],
    windows: { click: 7, impression: 1 },
    captureRate: 0.85,
    passesOrderId: false,
    valueBias: 0.06,
    timeJitterSeconds: 600,
    idPrefix: "WB",
  },
  {
    platform: "Xiaohongshu",
    channels: ["xiaohongshu"],
    windows: { click: 14 },
    captureRate: 0.87,
    passesOrderId: false,
    valueBias: 0.04,
    timeJitterSeconds: 300,
    idPrefix: "XHS",
  },
  {
    platform: "Douyin",
    channels: ["douyin_ads"],
    windows: { click: 7, impression: 1 },
    captureRate: 0.95,
    passesOrderId: true,
    valueBias: 0.07,
    timeJitterSeconds: 0,
    idPrefix: "DY",
  },
  {
    platform: "TikTok",
    channels: ["tiktok_ads"],
    windows: { click: 7, impression: 1 },
    captureRate: 0.94,
    passesOrderId: true,
    valueBias: 0.05,
    timeJitterSeconds: 0,
    idPrefix: "TT",
  },
  {
    platform: "CPS Affiliate Network",
    channels: ["affiliate"],
    windows: { click: 30 },
    captureRate: 0.97,
    passesOrderId: true,
    valueBias: 0.08,
    timeJitterSeconds: 0,
    idPrefix: "AFF",
  },
  {
    platform: "KOL Agency",
    channels: ["kol"],
    windows: { click: 14, impression: 14 },
    captureRate: 0.98,
    passesOrderId: false,
    valueBias: 0.08,
    timeJitterSeconds: 900,
    idPrefix: "KOL",
  },
];

export interface Category {
  code: string;
  /** Gross margin as a share of the net amount. */
  marginRate: number;
  /** Relative order value of the category. */
  valueFactor: number;
  weight: number;
}

/** Product categories; an order's margin is its amount x the category's margin rate. */
export const CATEGORIES: readonly Category[] = [
  { code: "beauty", marginRate: 0.68, valueFactor: 1.0, weight: 30 },
  { code: "apparel", marginRate: 0.55, valueFactor: 1.1, weight: 25 },
  { code: "home", marginRate: 0.42, valueFactor: 1.2, weight: 15 },
  { code: "food", marginRate: 0.3, valueFactor: 0.6, weight: 12 },
  { code: "baby", marginRate: 0.35, valueFactor: 0.9, weight: 8 },
  { code: "electronics", marginRate: 0.18, valueFactor: 2.2, weight: 10 },
];

/** Population parameters of repeat buying (BG/NBD, time unit = day). */
export const BG_NBD = {
  /** Purchase rate lambda ~ Gamma(shape r, rate alpha) per day while active. */
  r: 0.55,
  alpha: 50,
  /** Dropout probability after each purchase p ~ Beta(a, b). */
  a: 0.9,
  b: 3.2,
} as const;

/** Order-value model: a customer's mean order value is log-normal around the channel's level. */
export const MONETARY = {
  /** Mean net order value (CNY) before channel and category multipliers. */
  baseOrderValue: 230,
  /** Log-space spread between customers' mean order values. */
  sigmaBetweenCustomers: 0.95,
  /** Log-space spread of one customer's orders around their mean. */
  sigmaWithinCustomer: 0.35,
  /** Basket multiplier on 618 / Double 11 / Double 12 promotion days. */
  promotionBasket: 1.25,
  /** Share of customers who mostly buy with a discount. */
  discountSensitiveShare: 0.3,
} as const;

/** Value tiers by net revenue in the period (CNY): used for ticket priority and NPS. */
export const VALUE_TIERS = { high: 1500, mid: 400 } as const;

/** Share of customers who answer the NPS survey. */
export const NPS_RESPONSE_RATE = 0.15;
