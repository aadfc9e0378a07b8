// Customer words for NPS comments and feedback tickets, in English and 中文. Placeholders in braces are filled
// from the customer's own data: {channel} (an ad channel they saw), {order} (one of their order ids).

export type Lang = "en" | "zh";

export const NPS_COMMENTS: Record<"promoter" | "passive" | "detractor", Record<Lang, readonly string[]>> = {
  promoter: {
    en: [
      "Great quality and fast delivery, I keep recommending you to friends.",
      "Love the products. The member discounts are a nice touch.",
      "Customer service sorted my exchange in one day. Impressed!",
      "Best skincare I have bought online this year.",
    ],
    zh: [
      "质量很好,物流也快,已经推荐给朋友了。",
      "客服态度特别好,换货一天就处理完了。",
      "会员价很划算,会继续回购。",
      "包装精致,送人很有面子。",
    ],
  },
  passive: {
    en: [
      "Products are fine, but shipping abroad takes a while.",
      "Good value during the sale, a bit pricey otherwise.",
      "OK overall. The app could be easier to use.",
    ],
    zh: ["东西还行,就是大促的时候发货有点慢。", "性价比一般,活动的时候买比较划算。", "整体还可以,小程序有时候有点卡。"],
  },
  detractor: {
    en: [
      "The discount in the ad was not what I got at checkout.",
      "My parcel arrived late and nobody answered my emails.",
      "Quality dropped compared with my first order.",
      "Too many marketing messages, please stop.",
    ],
    zh: [
      "广告说的优惠结账时没有,感觉被骗了。",
      "快递太慢,客服也联系不上。",
      "这次的质量比第一次差很多。",
      "推送和短信太多了,很烦。",
    ],
  },
};

export type TicketCategory =
  | "ad_promise"
  | "pricing"
  | "product_quality"
  | "delivery"
  | "service"
  | "website_app"
  | "billing"
  | "other";

export interface TicketTemplate {
  category: TicketCategory;
  sentiment: "negative" | "neutral" | "positive";
  severity: "low" | "medium" | "high" | "critical";
  lang: Lang;
  body: string;
  /** Whether the ticket is about a specific ad (then it links the channel and campaign). */
  aboutAd: boolean;
}

export const TICKET_TEMPLATES: readonly TicketTemplate[] = [
  {
    category: "ad_promise",
    sentiment: "negative",
    severity: "high",
    lang: "en",
    aboutAd: true,
    body: "Customer says the {channel} ad promised 20% off but checkout showed 10%. She wants the difference refunded.",
  },
  {
    category: "ad_promise",
    sentiment: "negative",
    severity: "medium",
    lang: "en",
    aboutAd: true,
    body: "Saw a 'free gift with every order' banner on {channel}; no gift in the parcel for {order}.",
  },
  {
    category: "ad_promise",
    sentiment: "negative",
    severity: "high",
    lang: "zh",
    aboutAd: true,
    body: "{channel}广告上写的是首单立减20%,结账时只减了10%,感觉被误导了,要求补差价。",
  },
  {
    category: "ad_promise",
    sentiment: "negative",
    severity: "medium",
    lang: "zh",
    aboutAd: true,
    body: "在{channel}看到满300减50的活动,下单时提示活动已结束,但广告还在投放。",
  },
  {
    category: "delivery",
    sentiment: "negative",
    severity: "medium",
    lang: "en",
    aboutAd: false,
    body: "Order {order} still not delivered after 9 days; tracking has not updated since Tuesday.",
  },
  {
    category: "delivery",
    sentiment: "negative",
    severity: "high",
    lang: "zh",
    aboutAd: false,
    body: "订单{order}已经一周了还没发货,物流信息一直没有更新,急用。",
  },
  {
    category: "delivery",
    sentiment: "negative",
    severity: "low",
    lang: "zh",
    aboutAd: false,
    body: "快递放在驿站没有通知,差点错过取件。",
  },
  {
    category: "pricing",
    sentiment: "negative",
    severity: "medium",
    lang: "zh",
    aboutAd: false,
    body: "双11前一天刚买,今天同款降价了80元,能否保价退差价?",
  },
  {
    category: "pricing",
    sentiment: "neutral",
    severity: "low",
    lang: "en",
    aboutAd: false,
    body: "Why is the price in the app different from the website for the same serum?",
  },
  {
    category: "billing",
    sentiment: "negative",
    severity: "critical",
    lang: "en",
    aboutAd: false,
    body: "I was charged twice for order {order}. Please refund the duplicate payment.",
  },
  {
    category: "billing",
    sentiment: "negative",
    severity: "high",
    lang: "zh",
    aboutAd: false,
    body: "同一笔订单{order}被扣款两次,请尽快退款。",
  },
  {
    category: "product_quality",
    sentiment: "negative",
    severity: "medium",
    lang: "zh",
    aboutAd: false,
    body: "收到的面霜包装破损,有漏液,要求换货。",
  },
  {
    category: "product_quality",
    sentiment: "negative",
    severity: "high",
    lang: "en",
    aboutAd: false,
    body: "The jacket's zipper broke after two weeks. Not what I expect at this price.",
  },
  {
    category: "service",
    sentiment: "negative",
    severity: "medium",
    lang: "zh",
    aboutAd: false,
    body: "客服回复太慢,等了两天才有人处理退货申请。",
  },
  {
    category: "service",
    sentiment: "negative",
    severity: "low",
    lang: "en",
    aboutAd: false,
    body: "Chat agent closed my conversation before my return was sorted.",
  },
  {
    category: "website_app",
    sentiment: "negative",
    severity: "high",
    lang: "zh",
    aboutAd: false,
    body: "小程序支付页面一直转圈,付不了款,试了三次。",
  },
  {
    category: "website_app",
    sentiment: "negative",
    severity: "medium",
    lang: "en",
    aboutAd: false,
    body: "The app crashes when I apply a coupon code at checkout.",
  },
  {
    category: "other",
    sentiment: "neutral",
    severity: "low",
    lang: "zh",
    aboutAd: false,
    body: "希望在成都增加门店自提点。",
  },
  {
    category: "other",
    sentiment: "positive",
    severity: "low",
    lang: "zh",
    aboutAd: true,
    body: "在{channel}看到的推荐很靠谱,产品很好用,已经回购了,点赞!",
  },
  {
    category: "service",
    sentiment: "positive",
    severity: "low",
    lang: "en",
    aboutAd: false,
    body: "Thanks to the support team for the quick exchange, great experience.",
  },
];

export const RESOLUTIONS: Record<TicketCategory, Record<Lang, string>> = {
  ad_promise: {
    en: "Refunded the discount difference and asked the channel team to fix the ad copy.",
    zh: "已补差价,并通知投放团队修改广告文案。",
  },
  pricing: { en: "Explained pricing and issued a price-protection coupon.", zh: "已按保价规则退还差价。" },
  product_quality: { en: "Replacement shipped; item sent to QA.", zh: "已补发新品,问题批次转质检。" },
  delivery: { en: "Escalated with the courier; parcel delivered.", zh: "已催促快递,包裹已送达。" },
  service: { en: "Apologised and coached the agent.", zh: "已致歉并对客服进行培训。" },
  website_app: { en: "Bug fixed in the latest app release.", zh: "技术团队已修复,新版本已上线。" },
  billing: { en: "Duplicate charge refunded.", zh: "重复扣款已原路退回。" },
  other: { en: "Noted and shared with the team.", zh: "已记录并反馈给相关团队。" },
};
