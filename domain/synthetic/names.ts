/**
 * Chinese personal and company names for the synthetic data generator. Surnames are weighted roughly by
 * their frequency in the population (the top 20 cover more than half of all people); a few compound
 * surnames appear now and then. Given names have one or two characters.
 */
import type { Rng } from './random';

/** [surname, weight]; weights are roughly per-mille of the population. */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72],
  ['李', 72],
  ['张', 68],
  ['刘', 54],
  ['陈', 46],
  ['杨', 32],
  ['黄', 24],
  ['赵', 21],
  ['吴', 20],
  ['周', 19],
  ['徐', 15],
  ['孙', 15],
  ['马', 13],
  ['朱', 13],
  ['胡', 12],
  ['郭', 12],
  ['何', 12],
  ['林', 10],
  ['罗', 11],
  ['高', 10],
  ['郑', 9],
  ['梁', 9],
  ['谢', 8],
  ['宋', 7],
  ['唐', 9],
  ['许', 6],
  ['韩', 6],
  ['冯', 6],
  ['邓', 7],
  ['曹', 6],
  ['彭', 7],
  ['曾', 6],
  ['肖', 6],
  ['田', 6],
  ['董', 5],
  ['袁', 5],
  ['潘', 5],
  ['于', 4],
  ['蒋', 5],
  ['蔡', 4],
  ['余', 5],
  ['杜', 4],
  ['叶', 4],
  ['程', 4],
  ['苏', 4],
  ['魏', 4],
  ['吕', 4],
  ['丁', 4],
  ['任', 4],
  ['沈', 3],
  ['姚', 3],
  ['卢', 3],
  ['姜', 3],
  ['崔', 3],
  ['钟', 3],
  ['谭', 5],
  ['陆', 3],
  ['汪', 3],
  ['范', 3],
  ['廖', 3],
  ['石', 3],
  ['冉', 2],
  ['向', 2],
  ['秦', 2],
  ['熊', 3],
  ['牟', 1],
  ['税', 1],
  ['谯', 1],
  ['欧阳', 0.6],
  ['司马', 0.2],
  ['上官', 0.2],
  ['诸葛', 0.2],
  ['令狐', 0.1],
  ['司徒', 0.1],
];

const MALE_CHARS = Array.from(
  '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文海东亮峰成兵川江洪权彬毅坤德胜利永忠兴荣才庆',
);
const FEMALE_CHARS = Array.from('芳娜敏静丽艳娟霞燕玲英红梅琳莉婷雪慧颖倩洁琴云萍兰凤丹秀玉珍佳欣怡蓉晶月春菊琼瑶露');
const NEUTRAL_CHARS = Array.from('小晓子思嘉家宏天永德学世明金春双');

export function personName(rng: Rng, gender: 'MALE' | 'FEMALE'): string {
  const surname = rng.weighted(SURNAMES);
  const own = gender === 'MALE' ? MALE_CHARS : FEMALE_CHARS;
  if (rng.chance(0.35)) return surname + rng.pick(own);
  const first = rng.chance(0.3) ? rng.pick(NEUTRAL_CHARS) : rng.pick(own);
  return surname + first + rng.pick(own);
}

const BRAND = Array.from('鑫达华泰盛兴隆恒昌源鼎宏通远佳诚信丰瑞祥和新海川渝巴江山');
const TRADE: Readonly<Record<string, readonly string[]>> = {
  FOOD_DRUG: ['食品', '餐饮管理', '医药', '调味品', '农产品'],
  COUNTERFEIT: ['建材', '电器', '五金', '商贸', '汽车配件'],
  TRADEMARK: ['服饰', '商贸', '酒业', '日化', '电子科技'],
  ENVIRONMENT: ['化工', '电镀', '建材', '环保科技', '矿业'],
  TAX: ['商贸', '建筑工程', '物流', '贸易', '实业'],
  LABOUR: ['建筑劳务', '服装', '物业管理', '建筑工程', '家政服务'],
  SAFETY: ['化工', '矿业', '燃气', '机械制造', '建筑工程'],
  OTHER: ['商贸', '文化传媒', '信息技术', '实业', '旅游'],
};

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A company name and a unified social credit code (GB 32100, with a valid check character). */
export function company(rng: Rng, category: string, regionCode: string): { name: string; creditCode: string } {
  const trade = rng.pick(TRADE[category] ?? TRADE.OTHER);
  const name = `重庆${rng.pick(BRAND)}${rng.pick(BRAND)}${trade}有限公司`;
  let body = `91${regionCode}`;
  for (let i = 0; i < 9; i++) body += CREDIT_CHARS[rng.int(0, i < 8 ? 30 : 9)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(body[i]) * CREDIT_WEIGHTS[i];
  const check = CREDIT_CHARS[(31 - (sum % 31)) % 31];
  return { name, creditCode: body + check };
}
