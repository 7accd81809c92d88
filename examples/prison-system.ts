/**
 * Example department system: a prison's own records service (重庆市示范监狱), which keeps its data and
 * lets the hub read it live through the REST source protocol v1 (docs/api.md). It serves 50 generated
 * prisoner records (synthetic: no real persons) in the hub's PrisonRecord shape.
 *
 *   GET /health                                   → 200 {"status":"ok"}
 *   GET /records?idNumbers=ID1,ID2                → {"records":[…]}  every record of those persons
 *   GET /records?regions=5001&eventFrom=…&eventTo=…&idNumber=…&limit=N&cursor=C
 *                                                 → {"records":[…],"nextCursor":C2|null,"total":T}
 *
 * Run: `npx tsx examples/prison-system.ts` (PORT, default 4100; HOST, default 127.0.0.1).
 */
import http from 'node:http';
import { makeIdNumber, parseIdNumber } from '../domain/id-number';
import { validateRecord } from '../domain/records';

const PORT = Number(process.env.PORT ?? 4100);
const HOST = process.env.HOST ?? '127.0.0.1';
const PRISON = { code: 'JY-500101-SF', name: '重庆市示范监狱' };
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

// ---------------------------------------------------------------------------------------------
// 50 synthetic prisoners: the same people on every start (a small seeded PRNG, never Math.random);
// who is still serving, paroled or released follows today's date

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20240601);
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const DISTRICTS = ['500101', '500102', '500103', '500105', '500106', '500107', '500108', '500112', '500113', '500116'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '周', '吴', '徐', '谭', '冉', '向', '罗', '唐', '何'];
const GIVEN = Array.from('伟强磊军勇杰涛斌超明刚平辉鹏华飞波宇浩凯健俊龙林阳建国志文海东亮峰成兵川江洪权彬毅坤德胜');
const CRIMES = [
  '盗窃罪',
  '诈骗罪',
  '故意伤害罪',
  '抢劫罪',
  '贩卖毒品罪',
  '交通肇事罪',
  '寻衅滋事罪',
  '职务侵占罪',
  '非法吸收公众存款罪',
  '合同诈骗罪',
];

const DAY = 86_400_000;
/** A date-time in China Standard Time, e.g. 2021-04-06T09:30:00+08:00. */
const cst = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
const ymd = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const addMonths = (ms: number, months: number) => {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
};

function prisoner(i: number): Record<string, unknown> {
  const region = pick(DISTRICTS);
  const birth = Date.UTC(int(1962, 2000), int(0, 11), int(1, 28));
  const male = rand() < 0.9;
  const sequence = int(10, 499) * 2 + (male ? 1 : 0);
  const idNumber = makeIdNumber(region, new Date(birth).toISOString().slice(0, 10), sequence);
  const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : '');

  const sentenceStart = Date.UTC(2014, 0, 1) + int(0, 3500) * DAY;
  const admitted = sentenceStart + int(20, 90) * DAY + int(1, 8) * 3_600_000;
  const life = rand() < 0.06;
  const termMonths = life ? null : pick([12, 18, 24, 30, 36, 48, 60, 84, 120, 180]);
  const pretrialCustodyDays = int(30, 360);

  const commutations: { decidedAt: string; months: number }[] = [];
  if (termMonths !== null && termMonths >= 60 && admitted + 2.5 * 365 * DAY < Date.now()) {
    commutations.push({ decidedAt: ymd(admitted + int(760, 900) * DAY), months: pick([6, 8, 10, 12]) });
  }
  const reduced = commutations.reduce((s, c) => s + c.months, 0);
  const sentenceEnd = termMonths === null ? null : addMonths(sentenceStart, termMonths - reduced) - pretrialCustodyDays * DAY;

  let status = 'SERVING';
  let releasedAt: string | null = null;
  let parole: { decidedAt: string; probationEnd: string } | null = null;
  const now = Date.now();
  if (sentenceEnd !== null && sentenceEnd < now - 30 * DAY) {
    status = 'RELEASED';
    releasedAt = cst(Math.max(sentenceEnd, admitted) + 9 * 3_600_000);
  } else if (sentenceEnd !== null && termMonths !== null && rand() < 0.15) {
    const half = addMonths(sentenceStart, Math.ceil(termMonths * 0.6));
    if (half < now - 60 * DAY) {
      status = 'PAROLED';
      parole = { decidedAt: ymd(half), probationEnd: ymd(sentenceEnd) };
      releasedAt = cst(Math.max(half + 3 * DAY, admitted));
    }
  }

  return {
    externalId: `SFJY-${String(2014 + (i % 11))}-${String(1000 + i).padStart(5, '0')}`,
    idNumber,
    name,
    region,
    eventAt: cst(admitted),
    updatedAt: cst(Math.max(admitted, releasedAt ? Date.parse(releasedAt) : 0) + int(1, 20) * DAY),
    prison: PRISON,
    crime: pick(CRIMES),
    sentence: { startDate: ymd(sentenceStart), kind: life ? 'LIFE' : 'FIXED_TERM', termMonths },
    pretrialCustodyDays,
    commutations,
    parole,
    outsideExecution: null,
    admittedAt: cst(admitted),
    expectedReleaseDate: sentenceEnd === null ? null : ymd(sentenceEnd),
    releasedAt,
    status,
  };
}

const RECORDS = Array.from({ length: 50 }, (_, i) => prisoner(i));
for (const r of RECORDS) {
  const v = validateRecord('PRISON', r);
  if (!v.ok) throw new Error(`generated record ${String(r.externalId)} is invalid: ${v.reasons.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// The REST source protocol v1

class BadRequest extends Error {}

const instant = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : Number.NaN);
const normalId = (v: string) => {
  const r = parseIdNumber(v);
  return r.ok ? r.value.idNumber : v.trim().toUpperCase();
};
const list = (v: string | null) =>
  v === null
    ? []
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

/** Newest event first; ties by externalId descending. */
const byEventDesc = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  instant(b.eventAt) - instant(a.eventAt) ||
  (String(b.externalId) > String(a.externalId) ? 1 : String(b.externalId) < String(a.externalId) ? -1 : 0);

function parseInstant(name: string, v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new BadRequest(`${name}: not an ISO 8601 date-time: ${v}`);
  return t;
}

function records(params: URLSearchParams): unknown {
  const sorted = [...RECORDS].sort(byEventDesc);
  if (params.has('idNumbers')) {
    const wanted = new Set(list(params.get('idNumbers')).map(normalId));
    return { records: sorted.filter((r) => wanted.has(String(r.idNumber))) };
  }
  const regions = list(params.get('regions'));
  const from = parseInstant('eventFrom', params.get('eventFrom'));
  const to = parseInstant('eventTo', params.get('eventTo'));
  const idNumber = params.get('idNumber') ? normalId(params.get('idNumber') as string) : undefined;
  const limitText = params.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new BadRequest(`limit: must be a positive whole number, got ${limitText}`);
  const cursor = params.get('cursor');
  let offset = 0;
  if (cursor) {
    const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!m) throw new BadRequest(`cursor: not a cursor this system issued: ${cursor}`);
    offset = Number(m[1]);
  }
  const matches = sorted.filter((r) => {
    const t = instant(r.eventAt);
    return (
      (regions.length === 0 || regions.some((p) => String(r.region).startsWith(p))) &&
      (idNumber === undefined || r.idNumber === idNumber) &&
      (from === undefined || t >= from) &&
      (to === undefined || t < to)
    );
  });
  const size = Math.min(limit, MAX_LIMIT);
  const next = offset + size;
  return {
    records: matches.slice(offset, next),
    nextCursor: next < matches.length ? Buffer.from(`offset:${next}`).toString('base64url') : null,
    total: matches.length,
  };
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const reply = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    console.log(`${new Date().toISOString()} ${req.method} ${url.pathname}${url.search} → ${status}`);
  };
  if (req.method !== 'GET') return reply(405, { error: 'only GET is supported' });
  try {
    if (url.pathname === '/health') return reply(200, { status: 'ok' });
    if (url.pathname === '/records') return reply(200, records(url.searchParams));
    return reply(404, { error: `no such path: ${url.pathname}` });
  } catch (e) {
    return reply(e instanceof BadRequest ? 400 : 500, { error: e instanceof Error ? e.message : String(e) });
  }
});

server.listen(PORT, HOST, () => {
  const base = `http://${HOST}:${PORT}`;
  console.log(`${PRISON.name} records service: ${RECORDS.length} prisoners at ${base}`);
  console.log(`  try: curl '${base}/records?regions=5001&limit=2'`);
  console.log(`       curl '${base}/records?idNumbers=${String(RECORDS[0].idNumber)}'`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
