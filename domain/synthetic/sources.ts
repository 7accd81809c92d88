/**
 * The HOSTED sources of the synthetic data set: one detention centre and one community-correction office
 * per district or county, 15 prisons, five enforcement agencies per district, and the offices of the two
 * functional zones (两江新区, 万盛经开区), which cover the districts listed in `FUNCTIONAL_ZONES`.
 *
 * A record's unit (`facility`, `prison`, `office`, `agency`) is always its source's `department`, and
 * its `region` is one of the source's `regions`.
 */
import type { Domain } from '../records';
import { CURRENT_REGIONS, CURRENT_REGION_CODES, FUNCTIONAL_ZONES } from '../regions';

export interface SourceSpec {
  /** stable key, e.g. `det-500101`, `prison-07`, `corr-LIANGJIANG`, `enf-500101-env` */
  key: string;
  name: string;
  /** the delivering unit; records carry it as their facility / prison / office / agency */
  department: { code: string; name: string };
  domain: Domain;
  /** 6-digit current region codes the source is responsible for */
  regions: string[];
}

export type AgencyKind = 'market' | 'env' | 'tax' | 'labour' | 'safety';

export const AGENCY_KINDS: readonly AgencyKind[] = ['market', 'env', 'tax', 'labour', 'safety'];

const AGENCY_LABEL: Record<AgencyKind, { code: string; name: (district: string) => string }> = {
  market: { code: 'SCJG', name: (d) => `重庆市${d}市场监督管理局` },
  env: { code: 'STHJ', name: (d) => `重庆市${d}生态环境局` },
  tax: { code: 'SWJ', name: (d) => `国家税务总局重庆市${d}税务局` },
  labour: { code: 'RSJ', name: (d) => `重庆市${d}人力资源和社会保障局` },
  safety: { code: 'YJJ', name: (d) => `重庆市${d}应急管理局` },
};

/** Which agency kind files cases of a category. */
export const AGENCY_OF_CATEGORY: Readonly<Record<string, AgencyKind>> = {
  FOOD_DRUG: 'market',
  COUNTERFEIT: 'market',
  TRADEMARK: 'market',
  OTHER: 'market',
  ENVIRONMENT: 'env',
  TAX: 'tax',
  LABOUR: 'labour',
  SAFETY: 'safety',
};

/** The 15 prisons: [number, name, district code, holds women]. Synthetic placement. */
export const PRISONS: readonly (readonly [string, string, string, boolean])[] = [
  ['01', '重庆市监狱', '500112', false],
  ['02', '重庆市渝州监狱', '500106', false],
  ['03', '重庆市永川监狱', '500118', false],
  ['04', '重庆市三合监狱', '500117', false],
  ['05', '重庆市女子监狱', '500113', true],
  ['06', '重庆市九龙监狱', '500107', false],
  ['07', '重庆市五福监狱', '500151', false],
  ['08', '重庆市川东监狱', '500101', false],
  ['09', '重庆市渝都监狱', '500154', false],
  ['10', '重庆市北碚监狱', '500109', false],
  ['11', '重庆市黔江监狱', '500114', false],
  ['12', '重庆市垫江监狱', '500231', false],
  ['13', '重庆市巴南监狱', '500113', false],
  ['14', '重庆市綦江监狱', '500110', false],
  ['15', '重庆市江津监狱', '500116', false],
];

export function isCounty(code: string): boolean {
  return code.startsWith('5002');
}

/** Name of the district or county police: districts have a 分局 of the city bureau. */
export function policeName(code: string): string {
  const n = CURRENT_REGIONS[code];
  return isCounty(code) ? `${n}公安局` : `重庆市公安局${n}分局`;
}

export function procuratorateName(code: string): string {
  return `重庆市${CURRENT_REGIONS[code]}人民检察院`;
}

export function courtName(code: string): string {
  return `重庆市${CURRENT_REGIONS[code]}人民法院`;
}

const INTERMEDIATE = ['第一', '第二', '第三', '第四', '第五'];
export function intermediateCourtName(code: string): string {
  return `重庆市${INTERMEDIATE[CURRENT_REGION_CODES.indexOf(code) % 5]}中级人民法院`;
}

/** Short district name for document numbers: 万州区 → 万州, 石柱土家族自治县 → 石柱. */
export function shortName(code: string): string {
  const n = CURRENT_REGIONS[code];
  return n.length > 2 ? n.replace(/(土家族|苗族)*(自治县|区|县)$/, '') || n : n;
}

export function detentionKey(region: string): string {
  return `det-${region}`;
}
export function correctionKey(region: string): string {
  return `corr-${region}`;
}
export function agencyKey(region: string, kind: AgencyKind): string {
  return `enf-${region}-${kind}`;
}
export function prisonKey(no: string): string {
  return `prison-${no}`;
}
export function zoneCorrectionKey(zone: string): string {
  return `corr-${zone}`;
}
export function zoneMarketKey(zone: string): string {
  return `enf-${zone}-market`;
}

/** Builds the full list; cheap and deterministic (it depends on nothing but the region tables). */
export function buildSources(): SourceSpec[] {
  const out: SourceSpec[] = [];
  const unit = (code: string, name: string) => ({ code, name });
  for (const code of CURRENT_REGION_CODES) {
    const n = CURRENT_REGIONS[code];
    const name = `重庆市${n}看守所`;
    out.push({ key: detentionKey(code), name, department: unit(`KSS${code}`, name), domain: 'DETENTION', regions: [code] });
  }
  for (const [no, name, region] of PRISONS) {
    out.push({ key: prisonKey(no), name, department: unit(`JY50${no}`, name), domain: 'PRISON', regions: [region] });
  }
  for (const code of CURRENT_REGION_CODES) {
    const name = `重庆市${CURRENT_REGIONS[code]}社区矫正管理局`;
    out.push({ key: correctionKey(code), name, department: unit(`SQJZ${code}`, name), domain: 'COMMUNITY_CORRECTION', regions: [code] });
  }
  for (const [zone, z] of Object.entries(FUNCTIONAL_ZONES)) {
    const name = `${z.name}社区矫正管理局`;
    out.push({
      key: zoneCorrectionKey(zone),
      name,
      department: unit(`SQJZ-${zone}`, name),
      domain: 'COMMUNITY_CORRECTION',
      regions: [...z.regions],
    });
  }
  for (const code of CURRENT_REGION_CODES) {
    for (const kind of AGENCY_KINDS) {
      const label = AGENCY_LABEL[kind];
      const name = label.name(CURRENT_REGIONS[code]);
      out.push({
        key: agencyKey(code, kind),
        name,
        department: unit(`${label.code}${code}`, name),
        domain: 'ENFORCEMENT_CASE',
        regions: [code],
      });
    }
  }
  for (const [zone, z] of Object.entries(FUNCTIONAL_ZONES)) {
    const name = `${z.name}市场监督管理局`;
    out.push({
      key: zoneMarketKey(zone),
      name,
      department: unit(`SCJG-${zone}`, name),
      domain: 'ENFORCEMENT_CASE',
      regions: [...z.regions],
    });
  }
  return out;
}

/** Region code → the functional zone whose offices also cover it (两江新区 covers 渝北 and 江北, …). */
export const FUNCTIONAL_ZONE_OF: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = {};
  for (const [zone, z] of Object.entries(FUNCTIONAL_ZONES)) for (const r of z.regions) out[r] ??= zone;
  return out;
})();
