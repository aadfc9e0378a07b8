// Who the demo customers are: names, places, e-mail domains and phone formats.
import { type Rng, WeightedTable } from "./random.ts";

export interface City {
  country: string;
  region: string;
  city: string;
  /** International dialling code and a function of the local number's shape. */
  dial: string;
  weight: number;
}

// China: weights roughly follow where online shoppers of a mid-market brand live.
const CHINA_CITIES: readonly City[] = [
  { country: "China", region: "East China", city: "Shanghai", dial: "86", weight: 11 },
  { country: "China", region: "East China", city: "Hangzhou", dial: "86", weight: 6 },
  { country: "China", region: "East China", city: "Nanjing", dial: "86", weight: 4 },
  { country: "China", region: "East China", city: "Suzhou", dial: "86", weight: 4 },
  { country: "China", region: "North China", city: "Beijing", dial: "86", weight: 10 },
  { country: "China", region: "North China", city: "Tianjin", dial: "86", weight: 3 },
  { country: "China", region: "South China", city: "Guangzhou", dial: "86", weight: 7 },
  { country: "China", region: "South China", city: "Shenzhen", dial: "86", weight: 8 },
  { country: "China", region: "Southwest", city: "Chengdu", dial: "86", weight: 5 },
  { country: "China", region: "Southwest", city: "Chongqing", dial: "86", weight: 4 },
  { country: "China", region: "Central China", city: "Wuhan", dial: "86", weight: 4 },
  { country: "China", region: "Central China", city: "Changsha", dial: "86", weight: 3 },
  { country: "China", region: "Northeast", city: "Shenyang", dial: "86", weight: 2 },
  { country: "China", region: "Northeast", city: "Harbin", dial: "86", weight: 2 },
  { country: "China", region: "Northwest", city: "Xi'an", dial: "86", weight: 3 },
];

const INTERNATIONAL_CITIES: readonly City[] = [
  { country: "Singapore", region: "Southeast Asia", city: "Singapore", dial: "65", weight: 5 },
  { country: "Malaysia", region: "Southeast Asia", city: "Kuala Lumpur", dial: "60", weight: 2 },
  { country: "Japan", region: "East Asia", city: "Tokyo", dial: "81", weight: 2 },
  { country: "United Kingdom", region: "Europe", city: "London", dial: "44", weight: 2.5 },
  { country: "France", region: "Europe", city: "Paris", dial: "33", weight: 1 },
  { country: "Germany", region: "Europe", city: "Berlin", dial: "49", weight: 1 },
  { country: "United States", region: "North America", city: "New York", dial: "1", weight: 2.5 },
  { country: "United States", region: "North America", city: "San Francisco", dial: "1", weight: 1.5 },
  { country: "Canada", region: "North America", city: "Toronto", dial: "1", weight: 1.2 },
  { country: "Australia", region: "Oceania", city: "Sydney", dial: "61", weight: 2 },
];

export const CHINA_CITY_TABLE = new WeightedTable(CHINA_CITIES.map((c) => [c, c.weight] as const));
export const INTERNATIONAL_CITY_TABLE = new WeightedTable(INTERNATIONAL_CITIES.map((c) => [c, c.weight] as const));

/** Looks a city up by name (for the hand-placed support-search customers). */
export function cityNamed(name: string): City {
  const city = [...CHINA_CITIES, ...INTERNATIONAL_CITIES].find((c) => c.city === name);
  if (!city) throw new Error(`unknown demo city ${name}`);
  return city;
}

interface Hanzi {
  h: string;
  p: string;
}

// Common surnames with pinyin; weights follow their rough frequency in China.
const SURNAMES = new WeightedTable<Hanzi>(
  (
    [
      ["王", "wang", 7.1],
      ["李", "li", 7.0],
      ["张", "zhang", 6.7],
      ["刘", "liu", 5.4],
      ["陈", "chen", 4.5],
      ["杨", "yang", 3.1],
      ["黄", "huang", 2.2],
      ["赵", "zhao", 2.0],
      ["吴", "wu", 1.9],
      ["周", "zhou", 1.9],
      ["徐", "xu", 1.3],
      ["孙", "sun", 1.2],
      ["马", "ma", 1.1],
      ["朱", "zhu", 1.1],
      ["胡", "hu", 1.0],
      ["郭", "guo", 1.0],
      ["何", "he", 0.9],
      ["林", "lin", 0.9],
      ["高", "gao", 0.9],
      ["罗", "luo", 0.8],
      ["郑", "zheng", 0.8],
      ["梁", "liang", 0.7],
      ["谢", "xie", 0.6],
      ["宋", "song", 0.5],
      ["唐", "tang", 0.5],
      ["许", "xu", 0.5],
      ["韩", "han", 0.5],
      ["冯", "feng", 0.4],
      ["邓", "deng", 0.4],
      ["曹", "cao", 0.4],
    ] as const
  ).map(([h, p, w]) => [{ h, p }, w] as const),
);

function hanzi(list: string): Hanzi[] {
  return list.split(" ").map((pair) => {
    const [h, p] = pair.split(":");
    return { h: h as string, p: p as string };
  });
}

const GIVEN_FEMALE = hanzi(
  "芳:fang 娜:na 敏:min 静:jing 丽:li 艳:yan 娟:juan 霞:xia 婷:ting 雪:xue 玲:ling 慧:hui 倩:qian 颖:ying 琳:lin 欣:xin 怡:yi 佳:jia 梦:meng 雨:yu 晓:xiao 悦:yue 萱:xuan 涵:han",
);
const GIVEN_MALE = hanzi(
  "伟:wei 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 杰:jie 涛:tao 明:ming 超:chao 刚:gang 平:ping 辉:hui 鹏:peng 浩:hao 宇:yu 俊:jun 博:bo 凯:kai 斌:bin 健:jian 峰:feng 晨:chen 轩:xuan",
);

const LATIN_FIRST_FEMALE = [
  "Emma",
  "Olivia",
  "Sophie",
  "Grace",
  "Chloe",
  "Hannah",
  "Mia",
  "Amelia",
  "Isabel",
  "Sarah",
  "Yuki",
  "Aiko",
  "Priya",
  "Nur",
  "Claire",
  "Laura",
  "Anna",
  "Julia",
  "Mei",
  "Rachel",
];
const LATIN_FIRST_MALE = [
  "James",
  "Oliver",
  "Liam",
  "Noah",
  "Daniel",
  "Lucas",
  "Ethan",
  "Thomas",
  "Ben",
  "Ryan",
  "Kenji",
  "Haruto",
  "Arjun",
  "Ahmad",
  "Pierre",
  "Max",
  "Felix",
  "David",
  "Wei",
  "Kevin",
];
const LATIN_LAST = [
  "Smith",
  "Brown",
  "Taylor",
  "Wilson",
  "Johnson",
  "Lee",
  "Tan",
  "Lim",
  "Ng",
  "Wong",
  "Chen",
  "Nguyen",
  "Garcia",
  "Martin",
  "Müller",
  "Schmidt",
  "Dubois",
  "Sato",
  "Suzuki",
  "Kumar",
  "Williams",
  "Davies",
  "Evans",
  "Clarke",
  "Walker",
  "Rossi",
  "Khan",
  "Ong",
  "Goh",
  "Cooper",
];

export type Gender = "female" | "male" | "other";

export interface PersonName {
  display: string;
  /** ASCII parts for the e-mail local part. */
  given: string;
  family: string;
}

/** A Chinese name: surname + one or two given-name characters. */
export function chineseName(rng: Rng, gender: Gender): PersonName {
  const surname = SURNAMES.pick(rng);
  const pool =
    gender === "male" ? GIVEN_MALE : gender === "female" ? GIVEN_FEMALE : rng.pick([GIVEN_MALE, GIVEN_FEMALE]);
  const first = rng.pick(pool);
  const second = rng.chance(0.55) ? rng.pick(pool) : null;
  return {
    display: `${surname.h}${first.h}${second ? second.h : ""}`,
    given: `${first.p}${second ? second.p : ""}`,
    family: surname.p,
  };
}

/** A Latin-script name for a customer abroad. */
export function latinName(rng: Rng, gender: Gender): PersonName {
  const firsts = gender === "male" ? LATIN_FIRST_MALE : gender === "female" ? LATIN_FIRST_FEMALE : LATIN_FIRST_MALE;
  const given = rng.pick(firsts);
  const family = rng.pick(LATIN_LAST);
  return { display: `${given} ${family}`, given: asciiLower(given), family: asciiLower(family) };
}

function asciiLower(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}

const CHINA_EMAIL_DOMAINS = new WeightedTable(
  (
    [
      ["qq.com", 34],
      ["163.com", 24],
      ["126.com", 7],
      ["foxmail.com", 5],
      ["sina.com", 4],
      ["icloud.com", 10],
      ["gmail.com", 6],
      ["outlook.com", 6],
      ["139.com", 4],
    ] as const
  ).map(([d, w]) => [d as string, w] as const),
);
const INTERNATIONAL_EMAIL_DOMAINS = new WeightedTable(
  (
    [
      ["gmail.com", 45],
      ["outlook.com", 15],
      ["hotmail.com", 8],
      ["yahoo.com", 8],
      ["icloud.com", 14],
      ["proton.me", 3],
      ["qq.com", 4],
      ["163.com", 3],
    ] as const
  ).map(([d, w]) => [d as string, w] as const),
);

/**
 * A plausible lower-case address. `unique` is a per-customer number folded into the local part so two
 * customers never share an address (identity resolution on e-mail must stay meaningful).
 */
export function emailFor(rng: Rng, name: PersonName, inChina: boolean, unique: number): string {
  const domain = (inChina ? CHINA_EMAIL_DOMAINS : INTERNATIONAL_EMAIL_DOMAINS).pick(rng);
  if (domain === "qq.com" && rng.chance(0.7)) {
    // QQ numbers: an odd multiplier modulo 2^31 is a bijection, so distinct customers get distinct numbers.
    return `${10_000_000 + ((unique * 48_271 + 1_234_567) % 2_147_483_647)}@qq.com`;
  }
  const style = rng.int(4);
  const local =
    style === 0
      ? `${name.given}.${name.family}${unique}`
      : style === 1
        ? `${name.family}${name.given}${unique}`
        : style === 2
          ? `${name.given.slice(0, 1)}${name.family}${unique}`
          : `${name.family}.${name.given}${unique}`;
  return `${local}@${domain}`;
}

const CHINA_MOBILE_PREFIXES = [
  "130",
  "131",
  "132",
  "133",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "152",
  "155",
  "156",
  "157",
  "158",
  "159",
  "166",
  "176",
  "177",
  "180",
  "181",
  "182",
  "183",
  "186",
  "187",
  "188",
  "189",
  "198",
  "199",
];

/** Digits only, with the country code (e.g. 8613812345678). */
export function phoneFor(rng: Rng, city: City): string {
  const digits = (count: number) => {
    let text = "";
    for (let i = 0; i < count; i++) text += String(rng.int(10));
    return text;
  };
  switch (city.dial) {
    case "86":
      return `86${rng.pick(CHINA_MOBILE_PREFIXES)}${digits(8)}`;
    case "65":
      return `65${rng.pick(["8", "9"])}${digits(7)}`;
    case "60":
      return `601${rng.int(10)}${digits(7)}`;
    case "81":
      return `81${rng.pick(["70", "80", "90"])}${digits(8)}`;
    case "44":
      return `447${digits(9)}`;
    case "33":
      return `33${rng.pick(["6", "7"])}${digits(8)}`;
    case "49":
      return `4915${digits(9)}`;
    case "61":
      return `614${digits(8)}`;
    default:
      return `1${2 + rng.int(8)}${digits(9)}`;
  }
}
