/**
 * Ingest: N synthetic custody records pushed as NDJSON bodies to a hub process (production mode,
 * fresh store database), side by side with the floor: the driver's own ordered `insertMany` of the
 * same documents, in batches of the hub's size (1,000), into a collection with the same indexes (the
 * store's and the PostgreSQL equality indexes the hub adds on FerretDB), with the same number of
 * writers: the hub writes four batches of a push at once (NDJSON_WRITES_IN_FLIGHT), so `writers`
 * (a multiple of four, default four) is that many pushes at once for the hub and that many
 * `insertMany` in flight for the driver.
 */
import os from 'node:os';
import { MongoClient } from 'mongodb';
import { generateSynthetic } from '../../domain/synthetic/generate';
import { regionPath } from '../../domain/regions';
import { signToken, type JwtSettings } from '../../server/jwt';
import { createLogger } from '../../lib/logger';
import { EQUALITY_FIELDS, ensureEqualityIndexes } from '../../datasources/store/ferretdb/indexes';
import type { BenchStore } from './dataset';
import { watchCpu, watchRss, type CpuShare, type Server } from './processes';
import { benchJwt, startHub } from './hub';
import { NDJSON_BATCH, NDJSON_WRITES_IN_FLIGHT } from '../../server/routes/ingest';

export interface IngestResult {
  lines: number;
  /** batches being written at once, by the hub and by the driver alike */
  writers?: number;
  accepted: number;
  /** NDJSON bodies the lines were sent in */
  pushes: number;
  hubSeconds: number;
  hubRecordsPerSecond: number;
  driverSeconds: number;
  driverRecordsPerSecond: number;
  /** hub time / driver time */
  ratio: number;
  hubPeakRssMb: number;
  /**
   * CPU ms per 1,000 records: the hub's process (the driver side: the harness's own process, which
   * runs the driver), FerretDB and PostgreSQL (every backend)
   */
  hubCpuMsPer1000?: CpuShare;
  driverCpuMsPer1000?: CpuShare;
}

/** What the cores could store at this CPU cost per 1,000 records if they did nothing else (records/s). */
export function cpuCeiling(cpu: CpuShare, cores: number): number {
  const ms = cpu.contender + cpu.ferretdb + cpu.postgres;
  return ms > 0 ? Math.round((cores * 1000 * 1000) / ms) : 0;
}

/** N custody records in the canonical input shape, from the demo generator, with unique external ids. */
export function custodyRecords(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const item of generateSynthetic({ persons: Math.ceil(n / 0.35) + 100, seed: 11, today: new Date('2026-06-30T00:00:00+08:00') })) {
    if (item.domain !== 'DETENTION') continue;
    out.push({ ...item.record, externalId: `BENCH-${out.length}` });
    if (out.length === n) return out;
  }
  throw new Error(`the generator made only ${out.length} custody records`);
}

export interface HubProcess {
  server: Server;
  jwt: JwtSettings;
  adminHeaders: Record<string, string>;
}

/** A hub process on its own fresh store database (dropped before), production mode. */
export async function startScratchHub(store: BenchStore, db: string): Promise<HubProcess> {
  const client = await new MongoClient(store.store.uri).connect();
  await client.db(db).dropDatabase();
  await client.close();
  const jwt = benchJwt();
  const server = await startHub(store, db, jwt);
  const admin = await signToken(jwt, { sub: 'bench-admin', org: 'BENCH', role: 'ADMIN', regions: ['50'] });
  return { server, jwt, adminHeaders: { authorization: `Bearer ${admin}` } };
}

export async function registerSource(hub: HubProcess, input: Record<string, unknown>): Promise<{ id: string; apiKey: string }> {
  const res = await fetch(`${hub.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...hub.adminHeaders },
    body: JSON.stringify({
      query: 'mutation BenchRegister($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } apiKey } }',
      variables: { input },
    }),
  });
  const body = (await res.json()) as any;
  if (!body.data?.registerDataSource) throw new Error(`registering ${String(input.name)}: ${JSON.stringify(body).slice(0, 300)}`);
  return { id: body.data.registerDataSource.dataSource.id, apiKey: body.data.registerDataSource.apiKey };
}

/** The one custody source the ingest scenarios push to. */
const BENCH_SOURCE = {
  name: '基准看守所',
  department: { code: 'BENCH-KSS', name: '基准看守所' },
  domain: 'DETENTION',
  kind: 'HOSTED',
  regions: ['50'],
};

/**
 * NDJSON bodies of 20,000 lines (≈ 18 MiB), pushed one after the other, as a department sends a
 * day's records under the 64 MiB body limit.
 */
function pushBodies(records: Record<string, unknown>[]): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < records.length; i += PUSH_LINES)
    bodies.push(
      records
        .slice(i, i + PUSH_LINES)
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
  return bodies;
}

/** Writers the hub uses for one push, and so the default for both sides. */
export const HUB_WRITERS = NDJSON_WRITES_IN_FLIGHT;

/** `--writers`: a positive multiple of the hub's writers per push, or a clear error naming the option. */
export function ingestWriters(value: string | undefined): number {
  const n = value === undefined ? HUB_WRITERS : Number(value);
  if (!Number.isInteger(n) || n < HUB_WRITERS || n % HUB_WRITERS !== 0)
    throw new Error(
      `--writers: ${value} is not a multiple of ${HUB_WRITERS} (the hub writes ${HUB_WRITERS} batches of a push at once; more writers are more pushes at once)`,
    );
  return n;
}

/** Runs `work(i)` for i in [0, n) with at most `writers` at once. */
async function inParallel(n: number, writers: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(writers, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

export async function ingestScenario(
  store: BenchStore,
  lines: number,
  log: (l: string) => void,
  writers = HUB_WRITERS,
): Promise<IngestResult> {
  const db = 'bench_ingest';
  const records = custodyRecords(lines);
  const bodies = pushBodies(records);
  const pushesAtOnce = writers / HUB_WRITERS;
  const hub = await startScratchHub(store, db);
  try {
    const source = await registerSource(hub, BENCH_SOURCE);
    const rss = watchRss(hub.server);
    const hubCpu = watchCpu(hub.server);
    let t = process.hrtime.bigint();
    let accepted = 0;
    await inParallel(bodies.length, pushesAtOnce, async (i) => {
      const res = await fetch(`${hub.server.url}/ingest/${source.id}`, {
        method: 'POST',
        headers: { authorization: `ApiKey ${source.apiKey}`, 'content-type': 'application/x-ndjson' },
        body: bodies[i],
      });
      const result = (await res.json()) as { accepted?: number; error?: unknown };
      if (res.status !== 200 || result.accepted === undefined)
        throw new Error(`ingest answered ${res.status}: ${JSON.stringify(result).slice(0, 300)}`);
      accepted += result.accepted;
    });
    const hubSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const hubPeakRssMb = rss.stop();
    const hubCpuMsPer1000 = hubCpu.stop(lines / 1000);
    if (accepted !== lines) throw new Error(`ingest accepted ${accepted} of ${lines}`);
    log(
      `  ingest · hub   ${lines.toLocaleString('en')} records, ${writers} writers (${pushesAtOnce} push${pushesAtOnce === 1 ? '' : 'es'} at once), in ${hubSeconds.toFixed(1)} s: ${Math.round(lines / hubSeconds)} records/s, peak ${hubPeakRssMb} MiB${cpuText(hubCpuMsPer1000)}`,
    );

    // The floor: the same documents as the hub stores them, through the driver alone.
    const client = await new MongoClient(store.store.uri).connect();
    try {
      const database = client.db(db);
      const floor = database.collection('floor_detention');
      await database.createCollection('floor_detention');
      for (const spec of await database.collection('detention_records').indexes()) {
        if (spec.name !== '_id_') await floor.createIndex(spec.key, { unique: spec.unique ?? false });
      }
      await ensureEqualityIndexes(store.postgresUrl, db, createLogger('warn'), { floor_detention: EQUALITY_FIELDS.detention_records });
      const now = new Date();
      const docs = records.map((r) => ({
        ...r,
        eventAt: new Date(r.eventAt as string),
        updatedAt: new Date(r.updatedAt as string),
        sourceId: source.id,
        regionPath: regionPath(r.region as string),
        recordedAt: now,
        eventMonth: String(r.eventAt).slice(0, 7),
        eventDay: String(r.eventAt).slice(0, 10),
        eventHour: String(r.eventAt).slice(0, 13),
      }));
      const driverCpu = watchCpu({ pid: process.pid });
      t = process.hrtime.bigint();
      await inParallel(Math.ceil(docs.length / NDJSON_BATCH), writers, async (b) => {
        await floor.insertMany(docs.slice(b * NDJSON_BATCH, (b + 1) * NDJSON_BATCH), { ordered: true });
      });
      const driverSeconds = Number(process.hrtime.bigint() - t) / 1e9;
      const driverCpuMsPer1000 = driverCpu.stop(lines / 1000);
      log(
        `  ingest · driver ${lines.toLocaleString('en')} records, ${writers} writers, in ${driverSeconds.toFixed(1)} s: ${Math.round(lines / driverSeconds)} records/s${cpuText(driverCpuMsPer1000)}`,
      );
      await database.dropDatabase();
      return {
        lines,
        writers,
        accepted,
        pushes: bodies.length,
        hubSeconds: round(hubSeconds),
        hubRecordsPerSecond: Math.round(lines / hubSeconds),
        driverSeconds: round(driverSeconds),
        driverRecordsPerSecond: Math.round(lines / driverSeconds),
        ratio: round(hubSeconds / driverSeconds, 2),
        hubPeakRssMb,
        hubCpuMsPer1000,
        driverCpuMsPer1000,
      };
    } finally {
      await client.close();
    }
  } finally {
    await hub.server.stop();
  }
}

export interface ReplayResult {
  lines: number;
  /** NDJSON bodies of each push */
  pushes: number;
  firstSeconds: number;
  /** null when the replay was given up (`replaySeconds` is then the time it was given) */
  replaySeconds: number;
  replayFinished: boolean;
  /** replay time ÷ first push time */
  ratio: number;
}

/**
 * A retry after a fault (issue 23, item 14): N custody records pushed into a fresh source, then the
 * same N pushed again into the same source, as a department re-sends a file whose answer it never
 * got. Every replayed record is already stored, so the replay takes the duplicate path for all of
 * them; it should cost about what the first push did (target: within 1.5 ×). The replay goes to a
 * freshly started hub process on the same store, so that nothing the first one remembers helps it. A replay slower than
 * `giveUpRatio` × the first push is stopped and reported as at least that.
 */
export async function replayScenario(store: BenchStore, lines: number, log: (l: string) => void, giveUpRatio = 10): Promise<ReplayResult> {
  const db = 'bench_replay';
  const bodies = pushBodies(custodyRecords(lines));
  const hub = await startScratchHub(store, db);
  try {
    const source = await registerSource(hub, BENCH_SOURCE);
    const push = async (signal?: AbortSignal) => {
      let accepted = 0;
      let unchanged = 0;
      for (const body of bodies) {
        const res = await fetch(`${hub.server.url}/ingest/${source.id}`, {
          method: 'POST',
          headers: { authorization: `ApiKey ${source.apiKey}`, 'content-type': 'application/x-ndjson' },
          body,
          signal,
        });
        const result = (await res.json()) as { accepted?: number; unchanged?: number; error?: unknown };
        if (res.status !== 200 || result.accepted === undefined)
          throw new Error(`ingest answered ${res.status}: ${JSON.stringify(result).slice(0, 300)}`);
        accepted += result.accepted;
        unchanged += result.unchanged ?? 0;
      }
      return { accepted, unchanged };
    };
    let t = process.hrtime.bigint();
    const first = await push();
    const firstSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    if (first.accepted !== lines) throw new Error(`the first push accepted ${first.accepted} of ${lines}`);
    log(
      `  replay · first push ${lines.toLocaleString('en')} records in ${firstSeconds.toFixed(1)} s: ${Math.round(lines / firstSeconds)} records/s`,
    );
    // The retry reaches a hub process that never saw the first push, as after a fault or on another
    // replica: the process that took it remembers the versions it stored and would not read them.
    await hub.server.stop();
    hub.server = await startHub(store, db, hub.jwt);
    const limitS = Math.round(Math.max(60, firstSeconds * giveUpRatio));
    t = process.hrtime.bigint();
    let replayFinished = true;
    try {
      const again = await push(AbortSignal.timeout(limitS * 1000));
      if (again.accepted !== 0 || again.unchanged !== lines)
        throw new Error(`the replay answered accepted ${again.accepted}, unchanged ${again.unchanged} of ${lines}`);
    } catch (err) {
      // given up: our limit, or fetch's own 300 s wait for an answer to one body
      if ((err as Error).name !== 'TimeoutError' && (err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_HEADERS_TIMEOUT')
        throw err;
      replayFinished = false;
    }
    const replaySeconds = Number(process.hrtime.bigint() - t) / 1e9;
    log(
      `  replay · same ${lines.toLocaleString('en')} records again ${replayFinished ? `in ${replaySeconds.toFixed(1)} s` : `given up after ${replaySeconds.toFixed(0)} s`}: ${round(replaySeconds / firstSeconds, 2)} × the first push`,
    );
    return {
      lines,
      pushes: bodies.length,
      firstSeconds: round(firstSeconds),
      replaySeconds: round(replaySeconds),
      replayFinished,
      ratio: round(replaySeconds / firstSeconds, 2),
    };
  } finally {
    await hub.server.stop();
  }
}

const PUSH_LINES = 20_000;
const CORES = os.cpus().length;

function cpuText(cpu: CpuShare | undefined): string {
  return cpu
    ? `; CPU ms per 1,000 records: own ${cpu.contender} · FerretDB ${cpu.ferretdb} · PostgreSQL ${cpu.postgres} (${CORES} cores doing nothing else: ${cpuCeiling(cpu, CORES)} records/s)`
    : '';
}
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
