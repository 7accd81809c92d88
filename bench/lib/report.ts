/** The benchmark's results: one JSON file with every figure and a Markdown table of the same. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../server/paths';
import type { LoadResult } from './load';
import { cpuCeiling, type IngestResult, type ReplayResult } from './ingest';
import type { FanOutResult } from './fan-out';
import type { Target } from '../scenarios';
import type { CpuShare } from './processes';
import type { HeapSample } from './hub';

export interface TargetResult extends LoadResult {
  commandsPerRequest: number | null;
  peakRssMb: number;
  /** the hub only: its V8 heap during the scenario (from its /metrics) */
  heap?: HeapSample;
  note?: string;
  /** the hub only: mean milliseconds per store round trip as the hub waited for it (its /metrics): "round trip", and by command when the hub runs with STORE_COMMAND_METRICS=true */
  storeMs?: Record<string, number>;
  /** CPU milliseconds per request sent: the contender's own process, FerretDB, PostgreSQL (all backends) */
  cpuMs?: CpuShare;
}

export interface Row {
  scenario: string;
  title: string;
  targets: Partial<Record<Target, TargetResult>>;
  /** every contender's answer reduced to the same figures */
  agree: boolean;
  summaries: Partial<Record<Target, string>>;
  /** the scenario could not be run */
  error?: string;
}

export interface ScaleReport {
  scale: string;
  records: number;
  persons: number;
  rows: Row[];
  hubPeakRssMb: number | null;
}

export interface RunInfo {
  quick: boolean;
  durationS: number;
  cores: number;
  node: string;
  seconds: number;
  /** the options that narrowed the run (`--only …`, `--targets …`, `--scales …`), if any: such a run is written as `-partial` */
  partial?: string;
}

export interface Results {
  date: string;
  run: RunInfo;
  scales: ScaleReport[];
  ingest?: IngestResult;
  fanOut?: FanOutResult;
  replay?: ReplayResult;
  targets: TargetCheck[];
  /** this run against an earlier results file (`--compare`) */
  compared?: Comparison;
}

/**
 * This run beside an earlier one (`npm run bench -- --compare bench/results/<date>.json`). Earlier runs
 * may come from another machine, so what carries over is each pair's ratio (hub ÷ contender, both
 * measured in the same run), not milliseconds; the hub's own p50 is shown for a run on the same machine.
 */
export interface Comparison {
  file: string;
  date: string;
  /** one line per scenario and contender measured in both runs */
  pairs: {
    scale: string;
    scenario: string;
    contender: Target;
    hubP50: [number | null, number | null];
    ratio: [number | null, number | null];
  }[];
  /** hub records/s and hub ÷ driver time, earlier and now */
  ingest?: { recordsPerSecond: [number, number]; ratio: [number, number] };
  /** every target of either run: what it measured then and now */
  targets: { target: string; before: TargetCheck | null; now: TargetCheck | null }[];
}

/** Pairs this run's figures with an earlier run's, scenario by scenario and target by target. */
export function compareResults(earlier: Results, now: Pick<Results, 'scales' | 'ingest' | 'targets'>, file: string): Comparison {
  const pairs: Comparison['pairs'] = [];
  for (const s of now.scales) {
    const before = earlier.scales.find((x) => x.scale === s.scale);
    for (const x of s.rows) {
      const old = row(before, x.scenario);
      if (!old) continue;
      for (const t of Object.keys(x.targets) as Target[]) {
        if (t === 'hub' || !old.targets[t]) continue;
        pairs.push({
          scale: s.scale,
          scenario: x.scenario,
          contender: t,
          hubP50: [old.targets.hub?.p50 ?? null, x.targets.hub?.p50 ?? null],
          ratio: [ratio(old.targets.hub?.p50, old.targets[t]!.p50), ratio(x.targets.hub?.p50, x.targets[t]!.p50)],
        });
      }
    }
  }
  const names = [...new Set([...earlier.targets.map((t) => t.target), ...now.targets.map((t) => t.target)])];
  const targets = names.map((target) => ({
    target,
    before: earlier.targets.find((t) => t.target === target) ?? null,
    now: now.targets.find((t) => t.target === target) ?? null,
  }));
  const ingest =
    earlier.ingest && now.ingest
      ? {
          recordsPerSecond: [earlier.ingest.hubRecordsPerSecond, now.ingest.hubRecordsPerSecond] as [number, number],
          ratio: [earlier.ingest.ratio, now.ingest.ratio] as [number, number],
        }
      : undefined;
  return { file, date: earlier.date, pairs, ingest, targets };
}

/** An earlier results file (`--compare`), with its path relative to the project. */
export function readResults(file: string): { file: string; results: Results } {
  let results: Results;
  try {
    results = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as Results;
  } catch (e) {
    throw new Error(`--compare ${file}: cannot read it as a results file (${(e as Error).message})`);
  }
  if (!results || !Array.isArray(results.scales) || !Array.isArray(results.targets) || typeof results.date !== 'string') {
    throw new Error(
      `--compare ${file}: not a benchmark results file (it needs date, scales and targets, as bench/results/<date>.json has)`,
    );
  }
  return { file: path.relative(projectRoot, path.resolve(file)), results };
}

/** Targets whose verdict changed between the two runs, for the console. */
export function changedVerdicts(c: Comparison): string[] {
  const verdict = (t: TargetCheck | null) => (!t || t.met === null ? 'not measured' : t.met ? 'met' : 'missed');
  return c.targets
    .filter((t) => t.before && t.now && t.before.met !== null && t.now.met !== null && t.before.met !== t.now.met)
    .map((t) => `${t.target}: ${verdict(t.before)} on ${c.date} (${t.before!.measured}), ${verdict(t.now)} now (${t.now!.measured})`);
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? Math.round((a / b) * 100) / 100 : null);

function row(scale: ScaleReport | undefined, id: string): Row | undefined {
  return scale?.rows.find((r) => r.scenario === id);
}

/** Each target of the issue, as measured in this run. */
export function checkTargets(scales: ScaleReport[], ingest?: IngestResult, replay?: ReplayResult): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const s of scales) {
    const d = row(s, 'dossier');
    const r = ratio(d?.targets.hub?.p50, d?.targets.floor?.p50);
    out.push({
      target: `dossier p50 ≤ 1.5 × floor (${s.scale})`,
      measured: r === null ? 'not measured' : `${r} × (${d!.targets.hub!.p50} ms vs ${d!.targets.floor!.p50} ms)`,
      met: r === null ? null : r <= 1.5,
    });
    const p = row(s, 'persons-100');
    const pr = ratio(p?.targets.hub?.p50, p?.targets.floor?.p50);
    out.push({
      target: `persons page of 100 p50 ≤ 2 × floor (${s.scale})`,
      measured: pr === null ? 'not measured' : `${pr} × (${p!.targets.hub!.p50} ms vs ${p!.targets.floor!.p50} ms)`,
      met: pr === null ? null : pr <= 2,
    });
    const tn = ratio(p?.targets.hub?.rps, p?.targets.naive?.rps);
    out.push({
      target: `persons page of 100 throughput ≥ 5 × naive (${s.scale})`,
      measured: tn === null ? 'not measured' : `${tn} × (${p!.targets.hub!.rps} vs ${p!.targets.naive!.rps} req/s)`,
      met: tn === null ? null : tn >= 5,
    });
    const behind: string[] = [];
    let compared = 0;
    for (const x of s.rows) {
      const hub = x.targets.hub;
      const peer = x.targets.peer;
      if (!hub || !peer) continue;
      compared++;
      const peerP50 = peer.p50 ?? Infinity; // no answer in time counts as slower
      if (hub.p50 === null || hub.p50 > peerP50 || (peer.mode === hub.mode && hub.rps < peer.rps)) behind.push(x.scenario);
    }
    out.push({
      target: `ahead of the peer on every scenario (${s.scale})`,
      measured: compared === 0 ? 'not measured' : behind.length ? `behind on ${behind.join(', ')}` : `ahead on all ${compared}`,
      met: compared === 0 ? null : behind.length === 0,
    });
    const sizes = ['persons-10', 'persons-100', 'persons-500'].map((id) => row(s, id)?.targets.hub?.commandsPerRequest ?? null);
    out.push({
      target: `store commands per request constant in page size 10 → 100 → 500 (${s.scale})`,
      measured: sizes.some((x) => x === null) ? 'not measured' : sizes.join(' → '),
      met: sizes.some((x) => x === null) ? null : Math.max(...(sizes as number[])) - Math.min(...(sizes as number[])) <= 1,
    });
  }
  if (scales.length >= 2) {
    const [a, b] = [scales[0], scales[scales.length - 1]];
    for (const x of b.rows) {
      const g = growthTarget(a, b, x.scenario);
      if (g) out.push(g);
    }
  }
  if (ingest) {
    const writers = ingest.writers ? ` with the same number of writers (${ingest.writers})` : '';
    out.push({
      target: `ingest within 1.2 × the driver's bulk write${writers}`,
      measured: `${ingest.ratio} × (hub ${ingest.hubRecordsPerSecond}, driver ${ingest.driverRecordsPerSecond} records/s)`,
      // a run before the writers were the same (1 for the driver, 4 for the hub) compared unlike things
      met: ingest.writers ? ingest.ratio <= 1.2 : null,
    });
  }
  if (replay) {
    out.push({
      target: `replay of ${replay.lines.toLocaleString('en')} stored records within 1.5 × the first push`,
      measured: `${replay.replayFinished ? '' : '≥ '}${replay.ratio} × (${replay.replaySeconds} s vs ${replay.firstSeconds} s)`,
      met: replay.replayFinished && replay.ratio <= 1.5,
    });
  }
  const big = scales.find((s) => s.records >= 900_000);
  if (big)
    out.push({
      target: 'hub RSS < 500 MB at 1,000,000 records under load',
      measured: `${big.hubPeakRssMb} MiB peak`,
      met: big.hubPeakRssMb !== null ? big.hubPeakRssMb * 1.048576 < 500 : null,
    });
  return out;
}

const MODE = { load: 'under load', sequential: 'one at a time' } as const;

/**
 * The hub's p50 growth from scale `a` to scale `b` in one scenario, compared only when both were
 * measured the same way: a p50 under load against one of requests one at a time says nothing of
 * growth (the 2026-12-02 run reported persons-500 at "0.32 ×": 5.6 s under load at 100k, 1.8 s one
 * at a time at 1m). Otherwise the target says why there is no ratio and is not judged; null when
 * either scale has no hub p50.
 */
export function growthTarget(a: ScaleReport, b: ScaleReport, scenario: string): TargetCheck | null {
  const [ha, hb] = [row(a, scenario)?.targets.hub, row(b, scenario)?.targets.hub];
  if (!ha?.p50 || !hb?.p50) return null;
  const target = `p50 growth ${a.scale} → ${b.scale} ≤ 1.3 × (${scenario})`;
  if (ha.mode !== hb.mode)
    return {
      target,
      measured: `not compared: ${a.scale} ${MODE[ha.mode]}, ${b.scale} ${MODE[hb.mode]} (p50s of different modes)`,
      met: null,
    };
  const g = ratio(hb.p50, ha.p50)!;
  return { target, measured: `${g} × (${MODE[hb.mode]})`, met: g <= 1.3 };
}

const cell = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(n));

export function markdown(r: Results): string {
  const lines: string[] = [];
  lines.push(`# Benchmark ${r.date}${r.run.quick ? ' (quick)' : r.run.partial ? ` (partial: ${r.run.partial})` : ''}`, '');
  lines.push(
    `${r.run.cores} cores, Node ${r.run.node}, FerretDB 1.24 on PostgreSQL; ${r.run.durationS} s of load per contender and scenario; whole run ${Math.round(r.run.seconds / 60)} min.`,
  );
  lines.push(
    "Latencies in ms; \"cmd/req\" = store commands per request, counted by FerretDB (— where a few slow requests sent fewer commands than the idle chatter estimate over their run); RSS = the contender's peak resident memory during the scenario (MiB). Ratios are the hub's figure over the contender's, from the same run.",
    '',
  );
  for (const s of r.scales) {
    lines.push(`## ${s.scale}: ${s.records.toLocaleString('en')} records, ${s.persons.toLocaleString('en')} persons`, '');
    lines.push('| scenario | contender | p50 | p95 | p99 | req/s | cmd/req | RSS | hub p50 ÷ this | hub req/s ÷ this |');
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const x of s.rows) {
      const hub = x.targets.hub;
      for (const [t, v] of Object.entries(x.targets) as [Target, TargetResult][]) {
        const how = v.mode === 'sequential' ? ' (one at a time)' : '';
        const note = v.note ? ` — ${v.note}` : '';
        lines.push(
          `| ${x.scenario}${x.agree ? '' : ' ⚠ answers differ'} | ${t}${how}${note} | ${cell(v.p50)} | ${cell(v.p95)} | ${cell(v.p99)} | ${cell(v.rps)} | ${cell(v.commandsPerRequest)} | ${v.peakRssMb} | ${t === 'hub' ? '' : cell(ratio(hub?.p50, v.p50))} | ${t === 'hub' ? '' : cell(ratio(hub?.rps, v.rps))} |`,
        );
      }
    }
    const failed = s.rows.filter((x) => x.error);
    if (failed.length) {
      lines.push('', 'Not timed (contenders that answer differently are never timed; see the `error` in the JSON):', '');
      for (const x of failed) lines.push(`- ✗ ${x.scenario}: ${x.error}`);
    }
    lines.push('', `Hub peak RSS over the whole ${s.scale} run: ${cell(s.hubPeakRssMb)} MiB.`, '');
    const heaps = s.rows.filter((x) => x.targets.hub?.heap);
    if (heaps.length) {
      lines.push(
        "The hub's V8 heap in each scenario, MiB (its `/metrics`, every 0.5 s): reserved at its largest (in use then) · least in use seen, near what the hub holds after a full collection · outside the heap (buffers) at the peak:",
        '',
      );
      for (const x of heaps) {
        const h = x.targets.hub!.heap!;
        lines.push(`- ${x.scenario}: ${h.peakTotalMb} (${h.usedAtPeakMb}) · ${h.leastUsedMb} · ${h.externalMb}`);
      }
      lines.push('');
    }
    const timed = s.rows.filter((x) => x.targets.hub?.storeMs);
    if (timed.length) {
      lines.push(
        "The hub's store round trips under that load, mean ms each as the hub waited for it (its `/metrics`; by command only where the hub ran with `STORE_COMMAND_METRICS=true`):",
        '',
      );
      for (const x of timed)
        lines.push(
          `- ${x.scenario}: ${Object.entries(x.targets.hub!.storeMs!)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        );
      lines.push('');
    }
    const costed = s.rows.filter((x) => Object.values(x.targets).some((v) => v?.cpuMs));
    if (costed.length) {
      lines.push(
        'CPU ms per request while each contender was measured (its own process · FerretDB · PostgreSQL, from `/proc`; the load generator and other processes not counted):',
        '',
      );
      for (const x of costed) {
        lines.push(
          `- ${x.scenario}: ${(Object.entries(x.targets) as [Target, TargetResult][])
            .filter(([, v]) => v.cpuMs)
            .map(
              ([t, v]) =>
                `${t} ${v.cpuMs!.contender} · ${v.cpuMs!.ferretdb} · ${v.cpuMs!.postgres} = ${Math.round((v.cpuMs!.contender + v.cpuMs!.ferretdb + v.cpuMs!.postgres) * 10) / 10}`,
            )
            .join('; ')}`,
        );
      }
      lines.push('');
    }
  }
  if (r.ingest) {
    const i = r.ingest;
    lines.push(
      '## Ingest',
      '',
      `${i.lines.toLocaleString('en')} NDJSON records in ${i.pushes} push${i.pushes === 1 ? '' : 'es'}, ${i.writers ? `${i.writers} batches written at once by each side` : 'one after the other (the driver one batch at a time)'}: hub ${i.hubRecordsPerSecond} records/s (${i.hubSeconds} s, peak ${i.hubPeakRssMb} MiB), driver insertMany ${i.driverRecordsPerSecond} records/s (${i.driverSeconds} s): ${i.ratio} ×.`,
      '',
    );
    if (i.hubCpuMsPer1000 && i.driverCpuMsPer1000) {
      const share = (c: CpuShare) =>
        `${c.contender} · ${c.ferretdb} · ${c.postgres} = ${Math.round((c.contender + c.ferretdb + c.postgres) * 10) / 10}`;
      lines.push(
        `CPU ms per 1,000 records (own process · FerretDB · PostgreSQL): hub ${share(i.hubCpuMsPer1000)}; driver (the harness's process) ${share(i.driverCpuMsPer1000)}. At that cost ${r.run.cores} cores doing nothing else would store ${cpuCeiling(i.hubCpuMsPer1000, r.run.cores)} records/s through the hub and ${cpuCeiling(i.driverCpuMsPer1000, r.run.cores)} through the driver.`,
        '',
      );
    }
  }
  if (r.replay) {
    const p = r.replay;
    lines.push(
      '## Replay',
      '',
      `${p.lines.toLocaleString('en')} NDJSON records in ${p.pushes} push${p.pushes === 1 ? '' : 'es'} into a fresh source: ${p.firstSeconds} s; the same again into the same source: ${p.replayFinished ? `${p.replaySeconds} s` : `given up after ${p.replaySeconds} s`} (${p.ratio} ×).`,
      '',
    );
  }
  if (r.fanOut) {
    const f = r.fanOut;
    lines.push(
      '## Fan-out',
      '',
      `${f.sources} live REST sources × ${f.recordsPerSource} records, page of 100${f.agree ? '' : ' ⚠ answers differ'}:`,
      '',
    );
    lines.push('| contender | p50 | p95 | p99 | req/s |', '|---|--:|--:|--:|--:|');
    lines.push(`| hub | ${cell(f.hub.p50)} | ${cell(f.hub.p95)} | ${cell(f.hub.p99)} | ${f.hub.rps} |`);
    lines.push(
      `| floor (parallel fetch + merge) | ${cell(f.floor.p50)} | ${cell(f.floor.p95)} | ${cell(f.floor.p99)} | ${f.floor.rps} |`,
      '',
    );
  }
  const met = (t: TargetCheck) => (t.met === null ? '—' : t.met ? 'yes' : '**no**');
  lines.push('## Targets', '', '| target | measured | met |', '|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${met(t)} |`);
  lines.push('');
  if (r.compared) lines.push(...comparisonMarkdown(r.compared));
  return lines.join('\n');
}

function comparisonMarkdown(c: Comparison): string[] {
  const arrow = ([a, b]: [number | null, number | null]) => `${cell(a)} → ${cell(b)}`;
  const lines = [
    `## Against the run of ${c.date}`,
    '',
    `From \`${c.file}\`. Ratios are hub ÷ contender, each from its own run; milliseconds compare only when both runs had the same machine.`,
    '',
  ];
  if (c.pairs.length) {
    lines.push('| scale | scenario | contender | hub p50 then → now | hub p50 ÷ contender then → now |', '|---|---|---|--:|--:|');
    for (const p of c.pairs) lines.push(`| ${p.scale} | ${p.scenario} | ${p.contender} | ${arrow(p.hubP50)} | ${arrow(p.ratio)} |`);
    lines.push('');
  }
  if (c.ingest) lines.push(`Ingest: hub ${arrow(c.ingest.recordsPerSecond)} records/s; hub time ÷ driver's ${arrow(c.ingest.ratio)}.`, '');
  lines.push(`| target | ${c.date} | this run |`, '|---|---|---|');
  const show = (t: TargetCheck | null) => (t ? `${t.measured}${t.met === null ? '' : t.met ? ' (met)' : ' (**missed**)'}` : '—');
  for (const t of c.targets) lines.push(`| ${t.target} | ${show(t.before)} | ${show(t.now)} |`);
  lines.push('');
  return lines;
}

/**
 * Writes `<dir>/<date>[-quick|-partial].json` and `.md` (a partial run never replaces the day's full run),
 * with a section against `earlier` when given; returns their paths.
 */
export function writeReport(
  dir: string,
  scales: ScaleReport[],
  run: RunInfo,
  ingest?: IngestResult,
  fanOut?: FanOutResult,
  earlier?: { file: string; results: Results },
  replay?: ReplayResult,
): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const targets = checkTargets(scales, ingest, replay);
  const compared = earlier ? compareResults(earlier.results, { scales, ingest, targets }, earlier.file) : undefined;
  const results: Results = { date, run, scales, ingest, fanOut, replay, targets, compared };
  const base = path.join(dir, `${date}${run.quick ? '-quick' : run.partial ? '-partial' : ''}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, markdown(results));
  return [`${base}.json`, `${base}.md`];
}
