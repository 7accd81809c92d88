/**
 * Example: a department pushing records to a HOSTED source of the hub in bulk. Generates N synthetic
 * detention records (DetentionRecord shape, valid ID numbers, region 500101 万州区; no real persons) and
 * streams them as NDJSON, one record per line, to `POST $HUB_BASE/ingest/{sourceId}` with
 * `Authorization: ApiKey <key>`; prints the hub's IngestResult { accepted unchanged rejected }.
 * The same index always gives the same record, so pushing twice reports the second run as unchanged.
 *
 * Run: `npx tsx examples/push-ndjson.ts --source <sourceId> --key <apiKey> [--count 1000]`
 * Env: HUB_BASE (default http://localhost:4000).
 */
import { parseArgs } from 'node:util';
import { makeIdNumber } from '../domain/id-number';

const HUB_BASE = (process.env.HUB_BASE ?? 'http://localhost:4000').replace(/\/+$/, '');

const STAGES = ['CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION', 'PROSECUTION_REVIEW', 'FIRST_INSTANCE', 'SECOND_INSTANCE'] as const;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '周', '吴', '谭', '冉', '向', '罗', '唐'];
const GIVEN = Array.from('伟强磊军勇杰涛斌超明刚平辉鹏华飞芳娜敏静丽艳娟霞燕玲');
const DAY = 86_400_000;
const cst = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

/** A small hash of the index, so every record is the same on every run. */
function hash(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The i-th record (i from 0). */
function detentionRecord(i: number): Record<string, unknown> {
  const birth = new Date(Date.UTC(1960, 0, 1) + (i % 14_000) * DAY).toISOString().slice(0, 10);
  const idNumber = makeIdNumber('500101', birth, 100 + (Math.floor(i / 14_000) % 900));
  const admitted = Date.UTC(2024, 0, 1, 1) + (hash(i, 1) % 600) * DAY;
  const stage = STAGES[hash(i, 2) % STAGES.length];
  const stageStarted = admitted + (stage === 'CRIMINAL_DETENTION' ? 0 : (3 + (hash(i, 3) % 60)) * DAY);
  const days = stage === 'CRIMINAL_DETENTION' ? 3 : stage === 'ARREST_REVIEW' ? 7 : stage === 'PROSECUTION_REVIEW' ? 30 : 60;
  const seq = String(i + 1).padStart(6, '0');
  return {
    externalId: `KSS-500101-${seq}`,
    idNumber,
    name: SURNAMES[hash(i, 4) % SURNAMES.length] + GIVEN[hash(i, 5) % GIVEN.length] + GIVEN[hash(i, 6) % GIVEN.length],
    region: '500101',
    eventAt: cst(stageStarted),
    updatedAt: cst(stageStarted + DAY),
    facility: { code: 'KSS-500101', name: '重庆市万州区看守所' },
    caseNumber: `万公刑字〔${new Date(admitted).getUTCFullYear()}〕${seq}号`,
    handlingAuthority: '重庆市公安局万州区分局',
    stage,
    caseFlags: [],
    admittedAt: cst(admitted),
    stageStartedAt: cst(stageStarted),
    stageDeadline: cst(stageStarted + days * DAY),
    extensions: [],
    releasedAt: null,
    extractions: [],
  };
}

/** The body, generated while it is sent (as fast as the hub reads it): NDJSON in chunks of 200 lines. */
function ndjson(count: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const lines: string[] = [];
      for (; next < count && lines.length < 200; next++) lines.push(JSON.stringify(detentionRecord(next)));
      if (lines.length > 0) controller.enqueue(encoder.encode(`${lines.join('\n')}\n`));
      if (next >= count) controller.close();
    },
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { source: { type: 'string' }, key: { type: 'string' }, count: { type: 'string', default: '1000' } },
  });
  const count = Number(values.count);
  if (!values.source || !values.key || !Number.isInteger(count) || count < 1) {
    console.error('usage: npx tsx examples/push-ndjson.ts --source <sourceId> --key <apiKey> [--count N]');
    process.exitCode = 2;
    return;
  }

  const url = `${HUB_BASE}/ingest/${encodeURIComponent(values.source)}`;
  const started = Date.now();
  // A streamed request body needs `duplex: 'half'` in Node's fetch (not yet in TypeScript's RequestInit).
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    headers: { authorization: `ApiKey ${values.key}`, 'content-type': 'application/x-ndjson', accept: 'application/json' },
    body: ndjson(count),
    duplex: 'half',
  };
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) {
    console.error(`${url} answered ${res.status}: ${text.slice(0, 1000)}`);
    process.exitCode = 1;
    return;
  }
  const result = JSON.parse(text) as {
    accepted: number;
    unchanged: number;
    rejected: { index: number; externalId?: string; reasons: string[] }[];
  };
  console.log(JSON.stringify(result, null, 2));
  console.error(
    `pushed ${count} records in ${Date.now() - started} ms: ${result.accepted} accepted, ${result.unchanged} unchanged, ${result.rejected.length} rejected`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.message}${e.cause ? ` (${String(e.cause)})` : ''}` : e);
  process.exitCode = 1;
});
