/**
 * Hand-made records for tests: small, valid by default, overridable per field. ID numbers are
 * generated with valid check characters; nothing here is a real person's.
 */
import { makeIdNumber } from '../domain/id-number';
import type { Domain } from '../domain/records';
import type { DataSources } from '../datasources';
import type { DataSourceDoc } from '../datasources/store/models';

/** The n-th test person's ID number (born 1980–1999, Chongqing districts). */
export function personId(n: number, region = '500101'): string {
  const year = 1980 + (n % 20);
  const day = String(1 + (n % 28)).padStart(2, '0');
  return makeIdNumber(region, `${year}-03-${day}`, 100 + (n % 800));
}

const at = (iso: string) => `${iso}T09:00:00+08:00`;

export function detentionInput(idNumber: string, n: number, o: Record<string, unknown> = {}) {
  return {
    externalId: `D-${idNumber}-${n}`,
    idNumber,
    name: '王伟',
    region: '500101',
    eventAt: at(`2024-0${1 + (n % 9)}-1${n % 10}`),
    updatedAt: at('2024-10-01'),
    facility: { code: 'KSS-500101', name: '重庆市万州区看守所' },
    caseNumber: `万公刑字〔2024〕${n}号`,
    handlingAuthority: '重庆市公安局万州区分局',
    stage: 'INVESTIGATION',
    admittedAt: at(`2024-0${1 + (n % 9)}-1${n % 10}`),
    stageStartedAt: at(`2024-0${1 + (n % 9)}-1${n % 10}`),
    ...o,
  };
}

export function prisonInput(idNumber: string, n: number, o: Record<string, unknown> = {}) {
  return {
    externalId: `P-${idNumber}-${n}`,
    idNumber,
    name: '王伟',
    region: '500101',
    eventAt: at('2023-05-10'),
    updatedAt: at('2024-10-01'),
    prison: { code: 'JY-01', name: '重庆市渝州监狱' },
    crime: '盗窃罪',
    sentence: { startDate: '2023-01-10', kind: 'FIXED_TERM', termMonths: 36 },
    pretrialCustodyDays: 120,
    admittedAt: at('2023-05-10'),
    status: 'SERVING',
    ...o,
  };
}

export function correctionInput(idNumber: string, n: number, o: Record<string, unknown> = {}) {
  return {
    externalId: `C-${idNumber}-${n}`,
    idNumber,
    name: '王伟',
    region: '500101',
    eventAt: at('2024-02-01'),
    updatedAt: at('2024-10-01'),
    office: { code: 'SQJZ-500101', name: '重庆市万州区社区矫正管理局' },
    correctionType: 'PROBATION',
    judgmentEffectiveAt: '2024-01-25',
    reportedAt: at('2024-01-30'),
    startDate: '2024-01-25',
    endDate: '2026-01-24',
    lastCheckInAt: at('2024-09-20'),
    supervisionLevel: 'NORMAL',
    status: 'ACTIVE',
    ...o,
  };
}

export function enforcementInput(idNumber: string, n: number, o: Record<string, unknown> = {}) {
  return {
    externalId: `E-${idNumber}-${n}`,
    idNumber,
    name: '王伟',
    region: '500101',
    eventAt: at('2022-06-01'),
    updatedAt: at('2024-10-01'),
    agency: { code: 'SCJG-500101', name: '重庆市万州区市场监督管理局' },
    caseNumber: `万市监罚〔2022〕${n}号`,
    category: 'COUNTERFEIT',
    violation: '销售伪劣产品',
    amountInvolved: 12000,
    filedAt: at('2022-06-01'),
    // decided when filed where a test moves the filing: a penalty before its case is refused
    penalty: { kind: '罚款', amount: 5000, decidedAt: o.filedAt ?? at('2022-07-01') },
    suspectedCrime: false,
    status: 'CLOSED',
    closedAt: at('2022-07-15'),
    ...o,
  };
}

export const INPUT_OF: Record<Domain, (id: string, n: number, o?: Record<string, unknown>) => Record<string, unknown>> = {
  DETENTION: detentionInput,
  PRISON: prisonInput,
  COMMUNITY_CORRECTION: correctionInput,
  ENFORCEMENT_CASE: enforcementInput,
};

/** Registers one HOSTED source per domain (regions: the whole city) and returns them by domain. */
export async function registerTestSources(sources: DataSources, suffix = ''): Promise<Record<Domain, DataSourceDoc>> {
  const out = {} as Record<Domain, DataSourceDoc>;
  for (const domain of ['DETENTION', 'PRISON', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'] as Domain[]) {
    out[domain] = await sources.registry.ensure({
      name: `测试${domain}${suffix}`,
      department: { code: `T-${domain}`, name: `测试部门 ${domain}` },
      domain,
      kind: 'HOSTED',
      regions: ['50'],
    });
  }
  return out;
}

/** Stores, for persons 0..n-1, `perPerson` records in each domain through the ingest path. */
export async function seedPersons(sources: DataSources, srcs: Record<Domain, DataSourceDoc>, n: number, perPerson = 1): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => personId(i));
  for (const domain of Object.keys(INPUT_OF) as Domain[]) {
    const records = ids.flatMap((id) => Array.from({ length: perPerson }, (_, k) => INPUT_OF[domain](id, k)));
    const r = await sources.ingestor.ingest(srcs[domain], records);
    if (r.rejected.length > 0) throw new Error(`fixture rejected: ${JSON.stringify(r.rejected[0])}`);
  }
  return ids;
}
