/**
 * `npm run bench:profile -- --scenario dossier [--scale 100k] [--duration 10]`
 *
 * Where the hub's time goes in one benchmark scenario: starts the hub (production mode) under
 * `node --cpu-prof` on the benchmark's data set, drives the scenario's load for `duration` seconds,
 * stops it, and prints the self time by package and by function (top 25). The summary is also
 * written to bench/results/profiles/<scale>-<scenario>.txt; the raw .cpuprofile (for Chrome
 * DevTools) stays in a temporary folder, named in the output.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../server/paths';
import { signToken } from '../server/jwt';
import { ensureDataset, scale, startBenchStore } from './lib/dataset';
import { runLoad } from './lib/load';
import { benchJwt, buildHub, startHub } from './lib/hub';
import { dossierScenario, graphqlProblem, listScenario, statisticsScenario, trustHubOperations } from './scenarios';
import { pickParams } from './lib/params';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'dossier' },
    scale: { type: 'string', default: '100k' },
    duration: { type: 'string', default: '10' },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL },
    'postgres-db': { type: 'string', default: process.env.BENCH_POSTGRES_DB ?? 'hub_bench' },
  },
});

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** node_modules/<package> (scoped too), the project's own folder, or node's internals. */
function owner(url: string): string {
  if (!url) return '(native / idle / gc)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node (built-in)';
  const rel = url.replace(/^file:\/\//, '').replace(`${projectRoot}/`, '');
  return rel.startsWith('dist/') ? `hub: ${rel.split('/')[1]}/` : rel;
}

/**
 * Self time by package and by function. With `window` (µs on the monotonic clock that V8's sample
 * times and `process.hrtime` share on Linux), only the samples taken during the load count, so the
 * hub's start-up (module loading, index checks) does not dilute the figures.
 */
export function summarize(profile: Profile, top = 25, window?: { fromUs: number; toUs: number }): string {
  const self = new Map<number, number>();
  let at = profile.startTime;
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    all += dt;
    if (!window || (at >= window.fromUs && at <= window.toUs)) self.set(id, (self.get(id) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  if (window && total === 0)
    return `${summarize(profile, top)}

(no sample fell within the load's time window: the figures above cover the whole process)`;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const n of profile.nodes) {
    const t = self.get(n.id) ?? 0;
    if (!t) continue;
    const o =
      n.callFrame.functionName === '(idle)'
        ? '(idle)'
        : n.callFrame.functionName === '(garbage collector)'
          ? '(garbage collector)'
          : owner(n.callFrame.url);
    byOwner.set(o, (byOwner.get(o) ?? 0) + t);
    const f =
      `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${owner(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(f, (byFunction.get(f) ?? 0) + t);
  }
  const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)} %`;
  const lines = [
    `sampled ${(total / 1e6).toFixed(1)} s of the hub's main thread${window ? ` during the load (${(all / 1e6).toFixed(1)} s with its start-up and shutdown)` : ''}`,
    '',
    'self time by package:',
  ];
  for (const [o, t] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(t)}  ${o}`);
  lines.push('', `self time by function (top ${top}):`);
  for (const [f, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${f}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const s = scale(args.scale!);
  buildHub((l) => process.stdout.write(`${l}\n`));
  const store = await startBenchStore(args['postgres-url'], args['postgres-db']!);
  const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-profile-'));
  try {
    await ensureDataset(store.store.uri, s, (l) => process.stdout.write(`${l}\n`));
    const jwt = benchJwt();
    const hub = await startHub(store, s.db, jwt, {
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      log: (l) => process.stdout.write(`${l}\n`),
    });
    const token = await signToken(jwt, { sub: 'bench-procurator', org: 'BENCH', role: 'PROCURATOR', regions: ['50'] });
    const params = await pickParams(store.store.uri, s, { authorization: `Bearer ${token}`, 'x-purpose': 'BENCH-2026-001' }, false);
    const scenarios = [dossierScenario(1), dossierScenario(10), dossierScenario(100), listScenario(1), statisticsScenario(true)];
    const sc = scenarios.find((x) => x.id === args.scenario);
    if (!sc?.targets.hub) throw new Error(`--scenario: one of ${scenarios.map((x) => x.id).join(', ')}`);
    const spec = sc.targets.hub;
    await trustHubOperations(
      hub.url,
      `Bearer ${await signToken(jwt, { sub: 'bench-admin', org: 'BENCH', role: 'ADMIN', regions: ['50'] })}`,
      [sc],
      params,
    );
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const r = await runLoad({
      url: hub.url,
      request: (i) => spec.request(params, i),
      connections: sc.connections,
      durationS: Number(args.duration),
      timeoutS: 120,
      bad: graphqlProblem,
    });
    const toUs = Number(process.hrtime.bigint() / 1000n);
    process.stdout.write(`${sc.id}: p50 ${r.p50} ms, p95 ${r.p95} ms, ${r.rps} req/s, ${r.errors} errors\n`);
    await hub.stop();
    const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile was written in ${profDir}`);
    const summary = `${sc.id} at ${s.label}, ${sc.connections} connections, ${args.duration} s: p50 ${r.p50} ms, p95 ${r.p95} ms, ${r.rps} req/s\n\n${summarize(JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')), 25, { fromUs, toUs })}\n`;
    const outDir = path.join(projectRoot, 'bench/results/profiles');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `${s.label}-${sc.id}.txt`), summary);
    process.stdout.write(`${summary}\nraw profile: ${path.join(profDir, file)}\n`);
  } finally {
    await store.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
