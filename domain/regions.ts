/**
 * Region codes (GB/T 2260) for Chongqing, current and historical. Jurisdiction is by prefix:
 * `50` is the whole city, `5001` the municipal districts, `500101` one district.
 */
import { echo } from './text';

export const CITY_CODE = '50';

/** The 38 current district and county codes of Chongqing. */
export const CURRENT_REGIONS: Readonly<Record<string, string>> = {
  '500101': '万州区',
  '500102': '涪陵区',
  '500103': '渝中区',
  '500104': '大渡口区',
  '500105': '江北区',
  '500106': '沙坪坝区',
  '500107': '九龙坡区',
  '500108': '南岸区',
  '500109': '北碚区',
  '500110': '綦江区',
  '500111': '大足区',
  '500112': '渝北区',
  '500113': '巴南区',
  '500114': '黔江区',
  '500115': '长寿区',
  '500116': '江津区',
  '500117': '合川区',
  '500118': '永川区',
  '500119': '南川区',
  '500120': '璧山区',
  '500151': '铜梁区',
  '500152': '潼南区',
  '500153': '荣昌区',
  '500154': '开州区',
  '500155': '梁平区',
  '500156': '武隆区',
  '500229': '城口县',
  '500230': '丰都县',
  '500231': '垫江县',
  '500233': '忠县',
  '500235': '云阳县',
  '500236': '奉节县',
  '500237': '巫山县',
  '500238': '巫溪县',
  '500240': '石柱土家族自治县',
  '500241': '秀山土家族苗族自治县',
  '500242': '酉阳土家族苗族自治县',
  '500243': '彭水苗族土家族自治县',
};

/**
 * Codes that are no longer in GB/T 2260 but still stand on people's ID cards. Where a current code was
 * reused (500110 was 万盛区 before 2011), the current meaning wins for region names; the old meaning is
 * kept here for explanation only.
 */
export const HISTORICAL_REGIONS: Readonly<Record<string, string>> = {
  '500222': '綦江县(旧)',
  '500223': '潼南县(旧)',
  '500224': '铜梁县(旧)',
  '500225': '大足县(旧)',
  '500226': '荣昌县(旧)',
  '500227': '璧山县(旧)',
  '500228': '梁平县(旧)',
  '500232': '武隆县(旧)',
  '500234': '开县(旧)',
  '500381': '江津市(旧)',
  '500382': '合川市(旧)',
  '500383': '永川市(旧)',
  '500384': '南川市(旧)',
  '510201': '重庆市市中区(旧,四川)',
  '510202': '重庆市大渡口区(旧,四川)',
  '510212': '重庆市北碚区(旧,四川)',
  '512201': '万县市(旧,四川)',
  '512301': '涪陵市(旧,四川)',
};
/** Old meanings of codes that were later reused. */
export const REUSED_CODES: Readonly<Record<string, string>> = { '500110': '万盛区(2011年前)', '500111': '双桥区(2011年前)' };

/** Organisation units without a GB/T 2260 code; their offices register sources covering these regions. */
export const FUNCTIONAL_ZONES: Readonly<Record<string, { name: string; regions: string[] }>> = {
  LIANGJIANG: { name: '两江新区', regions: ['500112', '500105'] },
  WANSHENG: { name: '万盛经开区', regions: ['500110'] },
};

export const CURRENT_REGION_CODES = Object.keys(CURRENT_REGIONS);

/** A human name for a region code or prefix: `50` → 重庆市, unknown codes → the code itself. */
export function regionName(code: string): string {
  if (code === CITY_CODE) return '重庆市';
  if (code === '5001') return '重庆市市辖区';
  if (code === '5002') return '重庆市县';
  return CURRENT_REGIONS[code] ?? HISTORICAL_REGIONS[code] ?? code;
}

/** Every jurisdiction prefix a 6-digit code falls under: `500101` → [`50`, `5001`, `500101`]. */
export function regionPath(code: string): string[] {
  return [code.slice(0, 2), code.slice(0, 4), code];
}

/** A region filter or jurisdiction entry: a 2-, 4- or 6-digit prefix. */
export function isRegionPrefix(value: string): boolean {
  return /^\d{2}(\d{2}(\d{2})?)?$/.test(value);
}

/**
 * What is wrong with a region filter entry, or null: every argument that narrows by region (record
 * lists, leads, statistics) takes a 2-, 4- or 6-digit prefix and refuses anything else with this
 * message, rather than matching nothing.
 */
export function regionPrefixProblem(value: string): string | null {
  return isRegionPrefix(value) ? null : `must be a 2-, 4- or 6-digit region code prefix (50, 5001, 500101), got ${echo(value)}`;
}

/** A full 6-digit region code (current or old). */
export function isRegionCode(value: string): boolean {
  return /^\d{6}$/.test(value) && value.slice(0, 2) !== '00';
}
