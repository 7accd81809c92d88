/**
 * `npm run bench [-- --quick] [--scales 100k,1m] [--only dossier,persons-100,…] [--targets hub,floor,naive,peer]`
 *   [--duration S] [--connections N] [--sequential-above MS: slower contenders are measured one request at a time]
 *   [--compare bench/results/<date>.json: adds this run against that earlier one to the results]
 *   [--writers N: ingest batches written at once by the hub and by the driver alike; a multiple of 4, default 4]
 *   (`--only ingest,replay,fan-out`: only scenarios that need no data set, so no scale's data is made or loaded)
 *
 * The hub's speed, measured side by side with three baselines on the same data and store in the
 * same run: the floor (the hub's own store plan without the hub), the naive build (resolver-per-field
 * mongoose, no DataLoader) and the peer (graphql-compose-mongoose). See docs/benchmark.md for what
 * each figure means.
 *
 * 1. starts FerretDB on PostgreSQL database `hub_bench` and makes sure each scale's data set is there
 *    (generated once through the ingest path, then reused);
 * 2. builds the hub and starts it as a user would: `node dist/server/main.js`, NODE_ENV=production;
 * 3. for every scenario: every contender answers the first requests of a seeded list of requests
 *    (persons, pages, areas drawn per request), and the answers must agree field by field, or the
 *    scenario fails without being timed; then each contender, in an order rotated from scenario to
 *    scenario, is driven with the same list by autocannon (or, for contenders that take seconds, a
 *    few requests one after the other); store commands per request come from FerretDB's own
 *    counters, memory from /proc;
 * 4. writes bench/results/<date>[-quick].json and .md (`-partial` when --only, --targets or --scales narrowed
 *    the run, so that it never replaces the day's full run), and prints a progress line per scenario;
 *    with --compare, a section with each pair's ratio and each target then and now, and on the console
 *    every target whose verdict changed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../server/paths';
import { signToken, type JwtSettings } from '../server/jwt';
import { freePort } from '../datasources/store/embedded/ferretdb';
import {
  cancelAbandonedQueries,
  ensureDataset,
  scale,
  startBenchStore,
  waitForIdleStore,
  type BenchStore,
  type Scale,
} from './lib/dataset';
import { percentile, runLoad, runSequential, type LoadOptions, type LoadResult } from './lib/load';
import { startServer, tsArgs, watchCpu, watchRss, type Server } from './lib/processes';
import { benchJwt, buildHub, readHubMetrics, startHub, watchHubHeap } from './lib/hub';
import {
  dossierScenario,
  graphqlProblem,
  listScenario,
  statisticsScenario,
  TARGETS,
  trustHubOperations,
  type Params,
  type Scenario,
  type Target,
} from './scenarios';
import { ingestScenario, ingestWriters, replayScenario, type IngestResult, type ReplayResult } from './lib/ingest';
import { fanOutScenario, type FanOutResult } from './lib/fan-out';
import { changedVerdicts, readResults, writeReport, type Results, type Row, type ScaleReport } from './lib/report';
import { pickParams } from './lib/params';
import { digest, firstDifference, rotateOrder } from './lib/agreement';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scales: { type: 'string' },
    only: { type: 'string' },
    targets: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'sequential-above': { type: 'string' },
    writers: { type: 'string' },
    compare: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL },
    'postgres-db': { type: 'string', default: process.env.BENCH_POSTGRES_DB ?? 'hub_bench' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (args.help) {
  process.stdout.write(
    fs
      .readFileSync(__filename, 'utf8')
      .split('*/')[0]
      .replace(/^\/\*\*?|^ \* ?/gm, ''),
  );
  process.exit(0);
}

const quick = args.quick!;
/** what narrowed this run, if anything (its results are written as `<date>-partial`) */
const partial =
  (['only', 'targets', 'scales'] as const)
    .filter((k) => args[k])
    .map((k) => `--${k} ${args[k]}`)
    .join(' ') || undefined;
const settings = {
  scales: (args.scales ?? (quick ? '100k' : '100k,1m')).split(',').map(scale),
  durationS: Number(args.duration ?? (quick ? 3 : 15)),
  /** a single request slower than this is given up (seconds) */
  timeoutS: quick ? 15 : 150,
  /** contenders slower than this per request are measured one request at a time (ms) */
  sequentialAboveMs: Number(args['sequential-above'] ?? 1500),
  sequentialBudgetS: quick ? 0 : 30,
  ingestLines: quick ? 20_000 : 100_000,
  replayLines: quick ? 10_000 : 50_000,
  fanOutSources: 40,
  /** ingest: batches written at once, by the hub (pushes × its 4 per push) and by the driver alike */
  writers: ingestWriters(args.writers),
  targets: (args.targets ?? TARGETS.join(',')).split(',') as Target[],
  only: args.only ? new Set(args.only.split(',')) : null,
};

/** Scenarios run once on scratch databases, whatever the scales. */
const SCALE_FREE = new Set(['ingest', 'replay', 'fan-out']);

const started = Date.now();
const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

/** Data commands FerretDB received (its own counters), without connection chatter (hello, ping, …). */
const DATA_COMMANDS = new Set(['find', 'getMore', 'aggregate', 'count', 'insert', 'update', 'delete', 'findAndModify', 'distinct']);
async function storeCommands(store: BenchStore): Promise<number> {
  const text = await (await fetch(store.metricsUrl)).text();
  let n = 0;
  for (const m of text.matchAll(/^ferretdb_client_requests_total\{command="(\w+)"[^}]*\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/gm)) {
    if (DATA_COMMANDS.has(m[1])) n += Number(m[2]);
  }
  return n;
}

/** Waits (up to 2 minutes) until the store receives no more commands than when idle over half a second. */
async function waitForQuietStore(store: BenchStore, idleRate: number): Promise<void> {
  const until = Date.now() + 120_000;
  for (let last = await storeCommands(store); Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await storeCommands(store);
    if (now - last <= idleRate * 0.5 + 1) return;
    last = now;
  }
}

/**
 * The hub's own timing of its store round trips: seconds and count of every round trip
 * (`hub_store_round_trip_seconds`, as "round trip") and, when the hub runs with
 * STORE_COMMAND_METRICS=true, per command (`hub_store_command_duration_seconds`).
 */
async function hubStoreTimes(hub: Server, authorization: string): Promise<Map<string, { s: number; n: number }>> {
  const out = new Map<string, { s: number; n: number }>();
  const text = await readHubMetrics(hub, authorization);
  if (text === null) return out;
  const note = (key: string, part: string, value: string) => {
    const v = out.get(key) ?? { s: 0, n: 0 };
    if (part === 'sum') v.s = Number(value);
    else v.n = Number(value);
    out.set(key, v);
  };
  for (const m of text.matchAll(/^hub_store_command_duration_seconds_(sum|count)\{command="(\w+)",outcome="ok"\} ([\d.e+-]+)$/gm))
    note(m[2], m[1], m[3]);
  for (const m of text.matchAll(/^hub_store_round_trip_seconds_(sum|count) ([\d.e+-]+)$/gm)) note(ROUND_TRIP, m[1], m[2]);
  return out;
}

const ROUND_TRIP = 'round trip';

/** Mean milliseconds per round trip and per data command between two readings of hubStoreTimes. */
function storeMsBetween(
  a: Map<string, { s: number; n: number }>,
  b: Map<string, { s: number; n: number }>,
): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const [command, v] of b) {
    const n = v.n - (a.get(command)?.n ?? 0);
    if (n > 0 && (DATA_COMMANDS.has(command) || command === ROUND_TRIP))
      out[command] = Math.round(((v.s - (a.get(command)?.s ?? 0)) / n) * 10_000) / 10;
  }
  return Object.keys(out).length ? out : undefined;
}

interface Contenders {
  servers: Partial<Record<Target, Server>>;
  jwt: JwtSettings;
  /** the audit key of the hub processes on this data set (one audit chain) */
  auditKey: string;
  /** an ADMIN bearer for the hub's /metrics */
  admin: string;
  /** stops a contender and starts it again (after a request it gave up on: the store work stops with its connections) */
  restart(t: Target): Promise<void>;
}

async function startContenders(store: BenchStore, s: Scale): Promise<Contenders> {
  const jwt = benchJwt();
  const auditKey = crypto.randomBytes(32).toString('hex');
  const servers: Partial<Record<Target, Server>> = {};
  const uri = store.store.uri;
  const start = async (t: Target) => {
    if (t === 'hub') {
      servers.hub = await startHub(store, s.db, jwt, { auditKey, log });
    } else {
      servers[t] = await startServer(
        t,
        tsArgs(`bench/baselines/${t}.ts`, '--uri', uri, '--db', s.db, '--port', String(await freePort())),
        {},
        /LISTENING (http:\/\/\S+?)\/?\n/,
      );
    }
    log(`${t} listening at ${servers[t]!.url} (pid ${servers[t]!.pid}, ${servers[t]!.rssMb()} MiB)`);
  };
  for (const t of settings.targets) await start(t);
  return {
    servers,
    jwt,
    auditKey,
    admin: `Bearer ${await signToken(jwt, { sub: 'bench-admin', org: 'BENCH', role: 'ADMIN', regions: ['50'] })}`,
    // A contender is restarted when it gave no answer in time: what it left the store doing goes too.
    restart: async (t) => {
      await servers[t]?.stop();
      await cancelAbandonedQueries(store, 30, log);
      await start(t);
    },
  };
}

/**
 * Whether a contender is measured one request at a time rather than under load. The hub decides by
 * its own probe; every other contender is measured as the hub is, so that a ratio never compares a
 * loaded p50 with an unloaded one (the 2026-12-02 run compared the hub's persons-500 under load with
 * the floor's one at a time), unless it is too slow for the load's window (over PAIRED_LOAD_MAX_MS a
 * request, or when the hub could not be measured).
 */
function measureOneAtATime(t: Target, probeMs: number, hubMode: LoadResult['mode'] | undefined): boolean {
  if (t === 'hub' || !hubMode) return probeMs > settings.sequentialAboveMs;
  if (hubMode === 'sequential') return true;
  return probeMs > PAIRED_LOAD_MAX_MS;
}
/** Slowest probe of a contender that is still measured under load when the hub is. */
const PAIRED_LOAD_MAX_MS = 5_000;

/** Requests of the seeded list each contender answers before any timing; their answers must agree. */
const AGREEMENT_REQUESTS = 3;

/** Scenarios run so far: each starts its contenders one place further along (rotateOrder). */
let round = 0;

async function runScenario(sc: Scenario, params: Params, c: Contenders, store: BenchStore, s: Scale, idleRate: number): Promise<Row> {
  const row: Row = { scenario: sc.id, title: sc.title, targets: {}, agree: true, summaries: {} };
  // A scenario with hub settings of its own gets a hub process of its own, with those settings.
  const servers = { ...c.servers };
  let ownHub: Server | undefined;
  const startOwnHub = async () => {
    ownHub = await startHub(store, s.db, c.jwt, { auditKey: c.auditKey, log, settings: sc.hubSettings });
    servers.hub = ownHub;
    log(
      `  hub for ${sc.id} (${Object.entries(sc.hubSettings!)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}) at ${ownHub.url} (pid ${ownHub.pid})`,
    );
  };
  const restart = async (t: Target) => {
    if (t === 'hub' && ownHub) {
      await ownHub.stop();
      await cancelAbandonedQueries(store, 30, log);
      await startOwnHub();
    } else {
      await c.restart(t);
      servers[t] = c.servers[t];
    }
  };
  if (sc.hubSettings && sc.targets.hub && servers.hub) await startOwnHub();
  try {
    const present = settings.targets.filter((t) => sc.targets[t] && servers[t]);
    const optionsOf = (t: Target, from: number): LoadOptions => ({
      url: servers[t]!.url,
      request: (i) => sc.targets[t]!.request(params, from + i),
      connections: args.connections ? Number(args.connections) : sc.connections,
      durationS: settings.durationS,
      timeoutS: settings.timeoutS,
      bad: graphqlProblem,
    });

    // 1. Agreement, before any timing: every contender answers the first requests of the seeded
    //    list; their whole answers, field by field, must be the same. Their times pick the way to measure.
    const probes: Partial<Record<Target, LoadResult>> = {};
    const canons: Partial<Record<Target, unknown[]>> = {};
    for (const t of rotateOrder(present, round)) {
      await waitForIdleStore(store, 300, log);
      const probe = await runSequential({ ...optionsOf(t, 0), keepBodies: true }, AGREEMENT_REQUESTS);
      const bodies = probe.bodies ?? [];
      delete probe.bodies;
      if (probe.timeouts > 0 || probe.errors > 0 || probe.p50 === null) {
        row.targets[t] = {
          ...probe,
          commandsPerRequest: null,
          peakRssMb: servers[t]!.rssMb(),
          note: probe.timeouts ? `no answer within ${settings.timeoutS} s` : probe.firstError,
        };
        log(`  ${sc.id} · ${t}: ${row.targets[t]!.note}`);
        if (probe.timeouts) await restart(t);
        continue;
      }
      probes[t] = probe;
      try {
        canons[t] = bodies.map((b) => sc.targets[t]!.canon(JSON.parse(b)));
        row.summaries[t] = digest(canons[t]!);
      } catch (err) {
        row.summaries[t] = `unreadable: ${(err as Error).message}`;
      }
    }
    const answered = Object.keys(canons) as Target[];
    const unreadable = (Object.keys(probes) as Target[]).filter((t) => !canons[t]);
    const differs = answered
      .slice(1)
      .map((t) => ({ t, d: firstDifference(canons[answered[0]], canons[t]) }))
      .filter((x) => x.d !== null);
    if (differs.length || unreadable.length) {
      row.agree = false;
      row.error = [
        ...differs.map((x) => `${answered[0]} and ${x.t} answer differently at ${x.d}`),
        ...unreadable.map((t) => `${t}: ${row.summaries[t]}`),
      ].join('; ');
      log(`  ✗ ${sc.id}: ANSWERS DIFFER, not timed: ${row.error}`);
      return row;
    }
    log(
      `  ${sc.id}: ${answered.join(', ')} agree on ${AGREEMENT_REQUESTS} requests, field by field (${row.summaries[answered[0]] ?? '—'})`,
    );

    // 2. Timing, contenders in this round's order, each from the same point of the seeded list.
    const hubMode = probes.hub ? (measureOneAtATime('hub', probes.hub.p50!, undefined) ? 'sequential' : 'load') : undefined;
    const measure = async (t: Target, forceSequential: boolean) => {
      const probe = probes[t]!;
      const server = servers[t]!;
      const options = optionsOf(t, AGREEMENT_REQUESTS);
      await waitForIdleStore(store, 300, log);
      const rss = watchRss(server);
      const heap = t === 'hub' ? watchHubHeap(server, c.admin) : null;
      let cpu = watchCpu(server);
      const times0 = t === 'hub' ? await hubStoreTimes(server, c.admin) : null;
      let before = await storeCommands(store);
      let t0 = Date.now();
      let result: LoadResult;
      const count = Math.max(
        quick || probe.p50! > 20_000 ? 1 : 2,
        Math.min(10, Math.floor((settings.sequentialBudgetS * 1000) / probe.p50!)),
      );
      if (forceSequential || measureOneAtATime(t, probe.p50!, hubMode)) {
        // Requests of more than 20 s: the (warm) probe is the measurement, beside one more.
        result =
          probe.p50! > 20_000
            ? await runSequential(options, 1).then((r) => mergeSequential(probe, r))
            : await runSequential(options, count);
      } else {
        result = await runLoad(options);
        // Slower under load than alone: too few answers in the window to say anything; one at a time
        // instead, counting store commands afresh once the load's requests are done in the server.
        if (result.requests < 3) {
          await waitForQuietStore(store, idleRate);
          before = await storeCommands(store);
          t0 = Date.now();
          cpu = watchCpu(server);
          result = await runSequential(options, count);
        }
      }
      // Under load, requests still in flight when the window closes go on in the server: their store
      // commands are counted once the store is idle again, and so are they (requests sent, not answered).
      if (result.mode === 'load') await waitForQuietStore(store, idleRate);
      const seconds = (Date.now() - t0) / 1000;
      const raw = (await storeCommands(store)) - before;
      const chatter = idleRate * seconds;
      const requests = result.sent ?? result.requests;
      row.targets[t] = {
        ...result,
        // A few slow requests one at a time send fewer commands than the idle chatter estimate over
        // their minutes: no figure then, rather than a made-up 0.
        commandsPerRequest: requests > 0 && chatter <= raw / 2 ? Math.round(((raw - chatter) / requests) * 10) / 10 : null,
        peakRssMb: rss.stop(),
        heap: await heap?.stop(),
        storeMs: times0 ? storeMsBetween(times0, await hubStoreTimes(server, c.admin)) : undefined,
        cpuMs: cpu.stop(requests),
      };
      if (result.timeouts > 0) await restart(t);
      const r = row.targets[t]!;
      log(
        `  ${sc.id} · ${t.padEnd(5)} p50 ${fmt(r.p50)} ms  p95 ${fmt(r.p95)}  p99 ${fmt(r.p99)}  ${r.rps} req/s  ${fmt(r.commandsPerRequest)} cmd/req  ${r.peakRssMb} MiB${r.mode === 'sequential' ? '  (one at a time)' : ''}${r.errors ? `  ${r.errors} errors: ${r.firstError}` : ''}${
          r.storeMs
            ? `  store ms: ${Object.entries(r.storeMs)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`
            : ''
        }${r.cpuMs ? `  CPU ms/req: ${t} ${r.cpuMs.contender}, FerretDB ${r.cpuMs.ferretdb}, PostgreSQL ${r.cpuMs.postgres}` : ''}`,
      );
    };
    const order = rotateOrder(present, round++).filter((t) => probes[t]);
    log(`  ${sc.id}: timing in the order ${order.join(' → ')}`);
    for (const t of order) await measure(t, false);
    // The hub fell back to one request at a time (too few answers under load): the contenders measured
    // under load before it that could be measured one at a time are measured again that way.
    if (row.targets.hub?.mode === 'sequential' && hubMode === 'load')
      for (const t of order)
        if (t !== 'hub' && row.targets[t]?.mode === 'load') {
          log(`  ${sc.id} · ${t}: measured again one request at a time, as the hub was`);
          await measure(t, true);
        }
    return row;
  } finally {
    await ownHub?.stop();
  }
}

const fmt = (n: number | null) => (n === null ? '—' : String(n));

/** Two one-at-a-time measurements as one. */
function mergeSequential(a: LoadResult, b: LoadResult): LoadResult {
  const all = [a.p50, b.p50].filter((x): x is number => x !== null).sort((x, y) => x - y);
  const seconds = a.durationS + b.durationS;
  return {
    ...b,
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
    firstError: a.firstError ?? b.firstError,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    rps: seconds > 0 ? Math.round(((a.requests + b.requests) / seconds) * 100) / 100 : 0,
    durationS: seconds,
  };
}

async function main(): Promise<void> {
  // The earlier run named by --compare is read before anything starts, so that a wrong path fails at once.
  const earlier = args.compare ? readResults(args.compare) : undefined;
  log(
    `benchmark ${quick ? '(quick) ' : ''}scales ${settings.scales.map((s) => s.label).join(', ')}, ${settings.durationS} s per contender, ${os.cpus().length} cores, Node ${process.version}`,
  );
  if (!fs.existsSync(path.join(projectRoot, '.tools/bin/ferretdb')))
    throw new Error('FerretDB is not installed: run `npm run setup` first');
  buildHub(log);
  const store = await startBenchStore(args['postgres-url'], args['postgres-db']!);
  log(`store: FerretDB ${store.store.uri} on PostgreSQL ${args['postgres-db']}`);
  const reports: ScaleReport[] = [];
  let ingest: IngestResult | undefined;
  let fanOut: FanOutResult | undefined;
  let replay: ReplayResult | undefined;
  // `--only` naming only scenarios that need no data set (ingest, replay, fan-out) skips the scales.
  const needsData = !settings.only || [...settings.only].some((id) => !SCALE_FREE.has(id));
  try {
    for (const s of needsData ? settings.scales : []) {
      const marker = await ensureDataset(store.store.uri, s, log);
      const c = await startContenders(store, s);
      try {
        const hub = c.servers.hub;
        const token = await signToken(c.jwt, { sub: 'bench-procurator', org: 'BENCH', role: 'PROCURATOR', regions: ['50'] });
        const headers = { authorization: `Bearer ${token}`, 'x-purpose': 'BENCH-2026-001' };
        // Deep paging is left to full runs: finding page 50's positions takes a while.
        const deep = !quick && (!settings.only || settings.only.has('list-page-50'));
        const params = await pickParams(store.store.uri, s, headers, deep);
        log(
          `params (seed ${params.seed}): ${params.ids.length} persons, list areas ${params.listRegions.join(', ')}${deep ? (params.deep.length ? `, page 50 in ${params.deep.map((d) => d.region).join(', ')}` : ' (no area holds 5,000 records: no page 50 at this scale)') : ''}; statistics regions ${params.statRegions.join(', ')}`,
        );
        // What the idle processes send anyway (registry refresh, health flush), subtracted from each run,
        // once the hub's start-up work (indexes, month backfill) is over.
        await waitForIdleStore(store, 600, log);
        const idle0 = await storeCommands(store);
        await new Promise((r) => setTimeout(r, 10_000));
        const idleRate = ((await storeCommands(store)) - idle0) / 10;
        log(`idle store chatter: ${idleRate} commands/s (subtracted from each run)`);
        const scenarios: Scenario[] = [
          dossierScenario(1),
          dossierScenario(100),
          listScenario(1),
          ...(params.deep.length ? [listScenario(50)] : []),
          statisticsScenario(true),
          statisticsScenario(false),
        ];
        // Store commands against page size: the hub alone, pages of 10 and 500 beside the 100 above.
        const sizes = [dossierScenario(10), dossierScenario(500)].map((sc) => ({
          ...sc,
          targets: { hub: sc.targets.hub, floor: sc.targets.floor },
        }));
        if (hub)
          await trustHubOperations(
            hub.url,
            `Bearer ${await signToken(c.jwt, { sub: 'bench-admin', org: 'BENCH', role: 'ADMIN', regions: ['50'] })}`,
            [...scenarios, ...sizes],
            params,
          );
        const rows: Row[] = [];
        for (const sc of [...scenarios, ...sizes]) {
          if (settings.only && !settings.only.has(sc.id)) continue;
          log(`scenario ${sc.id}: ${sc.title} (${s.label})`);
          try {
            rows.push(await runScenario(sc, params, c, store, s, idleRate));
          } catch (err) {
            log(`  ${sc.id}: failed: ${(err as Error).message}`);
            rows.push({ scenario: sc.id, title: sc.title, targets: {}, agree: false, summaries: {}, error: (err as Error).message });
          }
        }
        reports.push({ scale: s.label, records: marker.records, persons: marker.persons, rows, hubPeakRssMb: hub?.peakRssMb() ?? null });
        // What is measured so far is kept, should a later scale fail.
        writeReport(
          path.resolve(projectRoot, args.out!),
          reports,
          {
            quick,
            partial,
            durationS: settings.durationS,
            cores: os.cpus().length,
            node: process.version,
            seconds: Math.round((Date.now() - started) / 1000),
          },
          undefined,
          undefined,
          earlier,
        );
      } finally {
        for (const server of Object.values(c.servers)) await server!.stop();
      }
    }
    // Scenarios that do not depend on the data set's size: once, on scratch databases.
    if (!settings.only || settings.only.has('ingest')) {
      log(
        `scenario ingest: NDJSON push of ${settings.ingestLines.toLocaleString('en')} records vs the driver's bulk insert, ${settings.writers} writers each`,
      );
      ingest = await ingestScenario(store, settings.ingestLines, log, settings.writers);
    }
    if (!settings.only || settings.only.has('replay')) {
      log(`scenario replay: NDJSON push of ${settings.replayLines.toLocaleString('en')} records, then the same again into the same source`);
      replay = await replayScenario(store, settings.replayLines, log);
    }
    if (!settings.only || settings.only.has('fan-out')) {
      log(`scenario fan-out: list over ${settings.fanOutSources} live REST sources`);
      fanOut = await fanOutScenario(store, settings.fanOutSources, settings.durationS, log);
    }
  } finally {
    await store.stop();
  }
  const files = writeReport(
    path.resolve(projectRoot, args.out!),
    reports,
    {
      quick,
      partial,
      durationS: settings.durationS,
      cores: os.cpus().length,
      node: process.version,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    ingest,
    fanOut,
    earlier,
    replay,
  );
  log(`results: ${files.join(', ')}`);
  if (earlier) {
    const changed = changedVerdicts((JSON.parse(fs.readFileSync(files[0], 'utf8')) as Results).compared!);
    log(
      changed.length
        ? `targets whose verdict changed since ${earlier.results.date}:`
        : `no target changed its verdict since ${earlier.results.date}`,
    );
    for (const line of changed) log(`  ${line}`);
  }
  // A scenario whose contenders answered differently was not timed: the run says so last, and fails.
  const failed = reports.flatMap((r) =>
    r.rows.filter((x) => !x.agree).map((x) => `${r.scale} ${x.scenario}: ${x.error ?? 'answers differ'}`),
  );
  if (fanOut && !fanOut.agree) failed.push('fan-out: the hub and the floor answered differently');
  if (failed.length) {
    log(`✗ ${failed.length} scenario${failed.length === 1 ? '' : 's'} failed (answers that differ are never timed):`);
    for (const line of failed) log(`  ${line}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
