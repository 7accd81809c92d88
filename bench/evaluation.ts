/**
 * The evaluation benchmark (issue 26, item 5): what the full run and the daily wake-up run cost, how
 * soon a push becomes a lead while dossiers are read, and how fast one lead event reaches many
 * subscribers. Same store and data sets as `npm run bench` (bench/lib/dataset.ts); the hub for the
 * HTTP scenarios is built and started as in production (bench/lib/hub.ts).
 *
 *   npm run bench:evaluation -- --scales 100k,1m            # every scenario at each scale
 *   npm run bench:evaluation -- --prepare --scales 100k,1m  # only make sure the data sets exist, and start a hub on each once
 *   npm run bench:evaluation -- --only runs,push-to-lead     # some scenarios (runs, push-to-lead, fan-out)
 *   npm run bench:evaluation -- --only fan-out --subscribers 1000   # one change to 1,000 subscribers (needs NEW leads: a full run before)
 *
 * The runs leave their leads in the data set (the other benchmark reads only records); each start
 * removes them first, so the first full run always starts from none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { signToken } from '../server/jwt';
import { projectRoot } from '../server/paths';
import { ensureDataset, scale, startBenchStore, type BenchStore, type Scale } from './lib/dataset';
import { benchJwt, buildHub, startHub } from './lib/hub';
import { registerSource } from './lib/ingest';
import { nextDay, openEvaluationBench, type RunFigures } from './lib/evaluation-runs';
import { pushToLead, type PushToLeadResult } from './lib/push-to-lead';
import { fanOut, type FanOutResult } from './lib/subscribers';

const SCENARIOS = ['runs', 'push-to-lead', 'fan-out'] as const;
/** The daily wake-ups measured after the first full run: the next day, then each day through this one. */
const WAKE_UP_DAYS = 7;

const { values: args } = parseArgs({
  options: {
    scales: { type: 'string', default: '100k' },
    only: { type: 'string' },
    prepare: { type: 'boolean', default: false },
    pushes: { type: 'string', default: '40' },
    'spacing-ms': { type: 'string', default: '1000' },
    subscribers: { type: 'string', default: '1000' },
    /** writes the hub's CPU profile (node --cpu-prof) into this folder, for bench/profile.ts's reader or Chrome's DevTools */
    'cpu-prof': { type: 'string' },
    'fan-out-events': { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/results' },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL },
    'postgres-db': { type: 'string', default: process.env.BENCH_POSTGRES_DB ?? 'hub_bench' },
  },
});

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

interface ScaleResult {
  scale: string;
  records: number;
  persons: number;
  runs?: (RunFigures & { due?: number })[];
  /** wake-up entries waiting after the first full run, by days ahead (0: the run's day) */
  dueAhead?: number[];
  pushToLead?: PushToLeadResult;
  fanOut?: FanOutResult;
}

const only = new Set(args.only ? args.only.split(',') : SCENARIOS);
for (const o of only)
  if (!(SCENARIOS as readonly string[]).includes(o)) throw new Error(`--only: no scenario ${o}; known: ${SCENARIOS.join(', ')}`);

async function runs(store: BenchStore, s: Scale, out: ScaleResult): Promise<void> {
  const bench = await openEvaluationBench(store.store.uri, s.db, log, store.postgresUrl);
  try {
    const today = new Date();
    const step = async <T extends RunFigures>(p: Promise<T>): Promise<T> => {
      const r = await p;
      log(
        `  ${r.what}: ${r.seconds} s${r.peakRssMb ? `, peak RSS ${r.peakRssMb} MiB` : ''}; ${r.report.persons.toLocaleString('en')} persons, ${r.report.findings.toLocaleString('en')} findings; leads inserted ${r.writes.inserted.toLocaleString('en')}, updated ${r.writes.updated.toLocaleString('en')} (report: new ${r.report.newLeads}, changed ${r.report.changed}, resolved ${r.report.resolvedByData}, reopened ${r.report.reopened})`,
      );
      (out.runs ??= []).push(r);
      return r;
    };
    await step(bench.full('full run, first (no leads stored)', today));
    out.dueAhead = await bench.dueAhead(today, 8);
    log(`  wake-up entries due on the next days: ${out.dueAhead.slice(1).join(', ')}`);
    await step(bench.full('full run, same day again', today));
    await step(bench.wakeUp('wake-up, day 1 (the next day)', nextDay(today)));
    await step(bench.full('full run, next day after its wake-up (the nightly safety net)', nextDay(today)));
    // every day of the week after it, so that the busy days (a stage deadline shared by many) are measured too
    for (let d = 2; d <= WAKE_UP_DAYS; d++) await step(bench.wakeUp(`wake-up, day ${d}`, nextDay(today, d)));
  } finally {
    await bench.close();
  }
}

/** ID numbers of the data set's persons, for the dossier load (a fixed sample). */
async function dossierIds(uri: string, db: string): Promise<string[]> {
  const client = await new MongoClient(uri).connect();
  try {
    const ids = new Set<string>();
    for (const c of ['detention_records', 'prison_records', 'community_corrections', 'enforcement_cases'])
      for (const r of await client
        .db(db)
        .collection(c)
        .find({}, { projection: { idNumber: 1 }, limit: 500 })
        .toArray())
        ids.add(r.idNumber);
    return [...ids];
  } finally {
    await client.close();
  }
}

async function hubScenarios(store: BenchStore, s: Scale, out: ScaleResult, run: number): Promise<void> {
  const jwt = benchJwt();
  const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : [];
  const hub = await startHub(store, s.db, jwt, { log, nodeArgs });
  try {
    const admin = await signToken(jwt, { sub: 'bench-admin', org: 'BENCH', role: 'ADMIN', regions: ['50'] });
    const source = await registerSource(
      { server: hub, jwt, adminHeaders: { authorization: `Bearer ${admin}` } },
      {
        name: `基准时延看守所 ${run}`,
        department: { code: 'BENCH-LATENCY', name: '基准时延看守所' },
        domain: 'DETENTION',
        kind: 'HOSTED',
        regions: ['50'],
      },
    );
    if (only.has('push-to-lead')) {
      log(`  push → lead: ${args.pushes} pushes, one every ${args['spacing-ms']} ms, while 8 connections read dossiers`);
      out.pushToLead = await pushToLead({
        hub,
        jwt,
        source,
        dossierIds: await dossierIds(store.store.uri, s.db),
        pushes: Number(args.pushes),
        spacingMs: Number(args['spacing-ms']),
        run,
      });
      const r = out.pushToLead;
      log(
        `  push → lead queryable: p50 ${r.leadP50} ms, p95 ${r.leadP95} ms, max ${r.leadMax} ms, missing ${r.missing}; its subscription event: p50 ${r.eventP50} ms, p95 ${r.eventP95} ms, missing ${r.eventsMissing}; dossier load meanwhile p50 ${r.dossier.p50} ms, p95 ${r.dossier.p95} ms, ${r.dossier.rps} req/s, ${r.dossier.errors} errors`,
      );
    }
    if (only.has('fan-out')) {
      log(
        `  fan-out: ${args.subscribers} subscribers, each on its own WebSocket, ${args['fan-out-events']} leads acknowledged one after the other`,
      );
      const r = (out.fanOut = await fanOut({ hub, jwt, subscribers: Number(args.subscribers), events: Number(args['fan-out-events']) }));
      log(
        `  fan-out: ${r.subscribers} subscribers registered in ${r.connectSeconds} s; event after the change: p50 ${r.p50} ms, p95 ${r.p95} ms, max ${r.max} ms; missing ${r.missing}, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}${r.storeCommands ? `; store commands meanwhile ${JSON.stringify(r.storeCommands)}` : ''}`,
      );
    }
  } finally {
    await hub.stop();
  }
}

function markdown(results: ScaleResult[], started: Date): string {
  const lines = [`# Evaluation benchmark, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`, ''];
  lines.push(`\`npm run bench:evaluation -- ${process.argv.slice(2).join(' ')}\``, '');
  for (const r of results) {
    lines.push(`## ${r.scale}: ${r.records.toLocaleString('en')} records, ${r.persons.toLocaleString('en')} persons`, '');
    if (r.runs) {
      lines.push(
        '| run | seconds | peak RSS MiB | persons | findings | leads inserted | lead updates | new | changed | resolved | reopened |',
      );
      lines.push('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
      for (const x of r.runs)
        lines.push(
          `| ${x.what} | ${x.seconds} | ${x.peakRssMb ?? '–'} | ${x.report.persons} | ${x.report.findings} | ${x.writes.inserted} | ${x.writes.updated} | ${x.report.newLeads} | ${x.report.changed} | ${x.report.resolvedByData} | ${x.report.reopened} |`,
        );
      lines.push('', `Wake-up entries due on each of the next 7 days after the first run: ${r.dueAhead?.slice(1).join(', ')}.`, '');
    }
    if (r.pushToLead) {
      const p = r.pushToLead;
      lines.push(
        '| push → lead queryable | pushes | p50 ms | p95 ms | max ms | missing | dossier p50 ms | dossier p95 ms | dossier req/s |',
      );
      lines.push('| --- | --: | --: | --: | --: | --: | --: | --: | --: |');
      lines.push(
        `| | ${p.pushes} | ${p.leadP50} | ${p.leadP95} | ${p.leadMax} | ${p.missing} | ${p.dossier.p50} | ${p.dossier.p95} | ${p.dossier.rps} |`,
        '',
      );
      lines.push(
        `Its subscription event (a procurator watching the rule): p50 ${p.eventP50} ms, p95 ${p.eventP95} ms, ${p.eventsMissing} missing.`,
        '',
      );
    }
    if (r.fanOut) {
      const f = r.fanOut;
      lines.push('| fan-out | subscribers | events | p50 ms | p95 ms | max ms | missing | connect s | errors |');
      lines.push('| --- | --: | --: | --: | --: | --: | --: | --: | --: |');
      lines.push(
        `| | ${f.subscribers} | ${f.events} | ${f.p50} | ${f.p95} | ${f.max} | ${f.missing} | ${f.connectSeconds} | ${f.errors} |`,
        '',
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const scales = args.scales!.split(',').map(scale);
  const store = await startBenchStore(args['postgres-url'], args['postgres-db']!);
  const results: ScaleResult[] = [];
  try {
    const markers = [];
    for (const s of scales) markers.push(await ensureDataset(store.store.uri, s, log));
    if (args.prepare) {
      // A hub's first start on a new data set builds its indexes and counts the statistics partitions
      // (17 minutes at 1m on 2 cores): done here, once, so that no benchmark begins with it.
      buildHub(log);
      for (const s of scales) {
        log(`${s.label}: a hub's first start on it (indexes, statistics counts)`);
        const t0 = Date.now();
        const hub = await startHub(store, s.db, benchJwt(), { log });
        await hub.stop();
        log(`${s.label}: ready for the benchmarks (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
      return;
    }
    if (only.has('push-to-lead') || only.has('fan-out')) buildHub(log);
    for (const [i, s] of scales.entries()) {
      const out: ScaleResult = { scale: s.label, records: markers[i].records, persons: markers[i].persons };
      results.push(out);
      log(`${s.label}:`);
      if (only.has('runs')) await runs(store, s, out);
      if (only.has('push-to-lead') || only.has('fan-out')) await hubScenarios(store, s, out, started.getTime() % 1000);
    }
  } finally {
    await store.stop();
  }
  const dir = path.resolve(projectRoot, args.out!);
  fs.mkdirSync(dir, { recursive: true });
  const name = `evaluation-${started.toISOString().slice(0, 10)}`;
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ started, args: process.argv.slice(2), results }, null, 2));
  fs.writeFileSync(path.join(dir, `${name}.md`), markdown(results, started));
  log(`results: ${path.join(args.out!, name)}.{json,md}`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
