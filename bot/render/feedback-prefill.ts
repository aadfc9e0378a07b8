import type { FeedbackPrefill } from "./blocks.ts";

const CATEGORY_WORDS: [FeedbackPrefill["category"], RegExp][] = [
  ["ad_promise", /\b(ad|ads|advert\w*|promo\w*|promised|campaign)\b|广告|宣传|承诺|活动说/i],
  ["delivery", /\b(deliver\w*|shipping|shipped|parcel|package|courier|arrived)\b|快递|物流|包裹|配送|发货/i],
  ["billing", /\b(refund\w*|charged|charge|invoice|billing|payment)\b|退款|扣款|发票|付款|支付/i],
  ["pricing", /\b(price\w*|expensive|cheaper|discount|coupon)\b|价格|太贵|优惠|降价/i],
  ["website_app", /\b(app|website|login|log in|checkout|page|crash\w*)\b|网站|登录|页面|闪退|小程序/i],
  ["product_quality", /\b(broken|quality|defect\w*|damaged|faulty|stopped working)\b|质量|坏了|破损|瑕疵/i],
  ["service", /\b(service|staff|agent|rude|support)\b|客服|服务|态度/i],
];

/** A first guess at the ticket fields from a Slack message; the person corrects it in the modal. */
export function prefillFromMessage(text: string): FeedbackPrefill {
  const customer =
    /\bCUS-\d+\b/i.exec(text)?.[0] ??
    /[\w.+-]+@[\w-]+\.[\w.-]+/.exec(text)?.[0] ??
    /(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}/.exec(text)?.[0] ??
    "";
  const category = CATEGORY_WORDS.find(([, pattern]) => pattern.test(text))?.[0] ?? "other";
  const positive = /\b(thanks|thank you|great|love|excellent)\b|谢谢|好评|满意|喜欢/i.test(text);
  const negative =
    /\b(not|never|broken|angry|bad|worst|refund|complain\w*|disappoint\w*)\b|投诉|差评|失望|生气|不/i.test(text);
  const severe = /\b(lawyer|legal|safety|injur\w*|fraud|scam|urgent)\b|律师|安全|受伤|欺诈|骗|紧急/i.test(text);
  const money = /\b(refund\w*|charged twice|overcharged)\b|退款|多扣|重复扣款/i.test(text);
  return {
    customer: customer.trim(),
    category,
    sentiment: negative ? "negative" : positive ? "positive" : "neutral",
    severity: severe ? "critical" : money ? "high" : "medium",
    sourceChannel: "chat",
    body: text,
  };
}
