import { searchTokens } from "../segment.ts";

/**
 * A bilingual glossary of marketing terms (from ../shared/DOMAIN.md's vocabulary): each line is one concept, its
 * English and Chinese names separated by "|". The lexical embedder adds a shared concept feature for every
 * name it finds, so "排重" and "de-duplication" meet in the same vector slot. It is a thesaurus, not semantics.
 */
const CONCEPTS = `
customer tiering|tiering|tier|tiers|客户分层|分层|分级
segment|segmentation|分群|细分|人群细分
high value|high-value|高价值
mid value|mid-value|中价值
low value|low-value|低价值
lifecycle|life cycle|生命周期
stage|stages|阶段
win-back|win back|召回|挽回
lapsed|lapsing|inactive|churn|流失
retention|retain|留存
acquisition|acquire|获客|拉新
new customer|new customers|新客
repurchase|second order|复购
loyalty|loyal|忠诚
customer lifetime value|lifetime value|clv|客户终身价值|终身价值
acquisition cost|cac|获客成本
conversion rate|转化率
conversion|conversions|转化
click-through rate|ctr|点击率
impression|impressions|曝光|展示
click|clicks|点击
roi|return on investment|投资回报率|投入产出
roas|return on ad spend|广告支出回报率
revenue|sales|收入|销售额
spend|ad spend|花费|投入
budget|budgets|预算
margin|gross margin|毛利
discount|discounts|折扣|优惠
coupon|coupons|优惠券|券
order|orders|订单
attribution|attribute|归因
de-duplication|deduplication|dedup|double counting|排重|去重|重复计算
over-claim|over-claim ratio|多报|多报倍数
claim|claimed|claims|认领
platform|platforms|平台
channel|channels|渠道
campaign|campaigns|活动|广告活动
creative|creatives|创意|素材
audience|audiences|人群|受众
precise targeting|targeting|精准投放|定向
retargeting|再营销|重定向
frequency|频次
frequency cap|frequency caps|频控|频次上限
a/b test|a/b tests|ab test|ab测试|a/b 测试
sample size|sample|样本量|样本
significant|significance|显著
winner|胜出
kol|kols|influencer|达人|网红
affiliate|联盟
feedback|反馈
complaint|complaints|complain|投诉|客诉
ticket|tickets|工单
priority|优先级
call back|callback|follow-up|回访
satisfaction|满意度
nps|net promoter score|净推荐值
promoter|promoters|推荐者
detractor|detractors|贬损者
weekly summary|weekly|周报|每周
monthly review|monthly|月度复盘|月度
review|复盘
manager|managers|主管
approve|approval|approves|审批|批准
proposal|提案
pacing|花费进度
overspending|超支
underspending|花费不足
store|stores|门店
online|线上
offline|线下
cross-channel|omnichannel|跨渠道|全渠道
customer profile|profile|客户档案|画像
identity|identities|身份
region|regions|regional|geography|地区|区域|地域
north|北方
south|南方
seasonal|seasonality|季节性|季节
report|reporting|报表|报告|汇报
definition|definitions|convention|口径|定义
time zone|时区
currency|币种
opener|openers|开启者
closer|closers|收割者
first touch|首次触点
last touch|末次触点
touch|touches|touchpoint|触点
markov|马尔可夫
shapley|shapley 值
consent|授权|营销许可
exclusive|专属
membership|member|会员
points|积分
email|邮件
sms|短信
wechat|微信
douyin|抖音
search ads|search|搜索广告|搜索
social|社交
short video|short-video|短视频
grade|graded|分级
test budget|测试预算
learning phase|学习期
at risk|at-risk|流失风险|有流失风险
playbook|handbook|手册|运营手册
evaluate|evaluation|assess|assessment|评估
metric|metrics|indicator|指标
decline|drop|fell|fall|decrease|下降|下滑|减少
increase|rise|rose|grow|growth|上升|增长|提高
last month|previous month|上月|上个月
compare|compared|comparison|相比|比较|对比
reason|reasons|cause|causes|原因
analyse|analyze|analysis|分析
system|systems|系统
retailer|retailers|零售商
material|materials|材料
meeting|会议
stages of development|development stage|发展阶段
refresh|refreshed|刷新
young|年轻
complaint priority|优先级
`;

let lookup: Map<string, number> | undefined;

function glossary(): Map<string, number> {
  if (lookup) return lookup;
  lookup = new Map();
  CONCEPTS.trim()
    .split("\n")
    .forEach((line, concept) => {
      for (const name of line.split("|")) {
        const key = searchTokens(name).join(" ");
        if (key) lookup?.set(key, concept);
      }
    });
  return lookup;
}

const MAX_TERM_TOKENS = 4;

/** Concept numbers of the glossary terms found in a token sequence (as produced by searchTokens). */
export function glossaryConcepts(tokens: readonly string[]): number[] {
  const map = glossary();
  const found: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (let n = 1; n <= MAX_TERM_TOKENS && i + n <= tokens.length; n++) {
      const concept = map.get(tokens.slice(i, i + n).join(" "));
      if (concept !== undefined) found.push(concept);
    }
  }
  return found;
}

/** How many concepts the glossary holds (named in answers' metadata). */
export function glossarySize(): number {
  return new Set(glossary().values()).size;
}

let namesByConcept: Map<number, string[]> | undefined;

/**
 * Query expansion across languages: the search tokens of every name (English and 中文) of each glossary concept
 * the tokens mention, minus the tokens themselves. Lets full-text search find "召回" passages for "win back".
 */
export function glossaryExpansion(tokens: readonly string[]): string[] {
  if (!namesByConcept) {
    namesByConcept = new Map();
    for (const [key, concept] of glossary()) namesByConcept.set(concept, [...(namesByConcept.get(concept) ?? []), key]);
  }
  const own = new Set(tokens);
  const out = new Set<string>();
  for (const concept of glossaryConcepts(tokens)) {
    for (const name of namesByConcept.get(concept) ?? []) {
      // Single characters (达人 cut into 达 + 人) match nearly everything, so they add noise, not recall.
      for (const token of name.split(" ")) if (token.length > 1 && !own.has(token)) out.add(token);
    }
  }
  return [...out];
}
