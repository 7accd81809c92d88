/**
 * The benchmark's report. `--compare`: this run beside an earlier results file, checked on two
 * earlier full runs kept here as test data (test/bench-results/2026-11-26.json and 2026-12-01.json;
 * bench/results keeps only the latest full run). The line of the hub's V8 heap beside its RSS.
 * Like with like: growth only between p50s of one mode, the ingest target with the same writers,
 * answers compared field by field (names included), requests drawn from a seeded list, and
 * contenders in an order rotated from round to round.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  changedVerdicts,
  checkTargets,
  compareResults,
  growthTarget,
  markdown,
  readResults,
  type Results,
  type ScaleReport,
} from '../bench/lib/report';
import { firstDifference, rotateOrder } from '../bench/lib/agreement';
import { dossierScenario, listScenario, personOf, personsOf, type Params } from '../bench/scenarios';

const RESULTS = path.join(__dirname, 'bench-results');
const earlier = readResults(path.join(RESULTS, '2026-11-26.json'));
const later = readResults(path.join(RESULTS, '2026-12-01.json')).results;

describe('bench --compare', () => {
  const c = compareResults(earlier.results, later, earlier.file);

  it('pairs each scenario and contender with its ratio in both runs', () => {
    expect(c.file).toBe(path.join('test', 'bench-results', '2026-11-26.json'));
    expect(c.date).toBe('2026-11-26');
    const dossier = c.pairs.find((p) => p.scale === '100k' && p.scenario === 'dossier' && p.contender === 'floor');
    expect(dossier).toEqual({ scale: '100k', scenario: 'dossier', contender: 'floor', hubP50: [32.3, 74.7], ratio: [1.69, 1.93] });
    // the hub is never paired with itself
    expect(c.pairs.some((p) => p.contender === 'hub')).toBe(false);
    expect(c.ingest).toEqual({ recordsPerSecond: [5260, 2488], ratio: [0.98, 0.9] });
  });

  it('names the targets whose verdict changed, and only those', () => {
    expect(changedVerdicts(c)).toEqual(['ingest ≥ 5,000 records/s: met on 2026-11-26 (5260 records/s), missed now (2488 records/s)']);
    expect(changedVerdicts(compareResults(later, later, 'same'))).toEqual([]);
  });

  it('adds a section to the Markdown with the pairs and every target then and now', () => {
    const md = markdown({ ...later, compared: c });
    expect(md).toContain('## Against the run of 2026-11-26');
    expect(md).toContain('| 100k | dossier | floor | 32.3 → 74.7 | 1.69 → 1.93 |');
    expect(md).toContain('| p50 growth 100k → 1m ≤ 1.3 × (list-page-1) | 2.48 × (**missed**) | 1.47 × (**missed**) |');
    expect(md).toContain('Ingest: hub 5260 → 2488 records/s');
    expect(markdown(later)).not.toContain('## Against');
  });

  it('keeps a target that only one run measured, marked as absent in the other', () => {
    const narrowed: Results = {
      ...later,
      scales: later.scales.filter((s) => s.scale === '100k'),
      targets: later.targets.filter((t) => t.target.endsWith('(100k)')),
    };
    const n = compareResults(earlier.results, narrowed, earlier.file);
    const growth = n.targets.find((t) => t.target === 'p50 growth 100k → 1m ≤ 1.3 × (list-page-1)');
    expect(growth?.before?.measured).toBe('2.48 ×');
    expect(growth?.now).toBeNull();
    expect(n.pairs.every((p) => p.scale === '100k')).toBe(true);
  });

  it('refuses a file that is not a results file, naming the option and what is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-compare-'));
    const notJson = path.join(dir, 'a.json');
    fs.writeFileSync(notJson, 'not json');
    expect(() => readResults(notJson)).toThrow(/^--compare .*a\.json: cannot read it as a results file/);
    const other = path.join(dir, 'b.json');
    fs.writeFileSync(other, JSON.stringify({ date: '2026-12-02' }));
    expect(() => readResults(other)).toThrow(/not a benchmark results file \(it needs date, scales and targets/);
    expect(() => readResults(path.join(dir, 'missing.json'))).toThrow(/cannot read it as a results file \(ENOENT/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("bench: the hub's heap beside its RSS", () => {
  it('writes a line per scenario under the RSS, only where the heap was sampled', () => {
    const results: Results = JSON.parse(JSON.stringify(later));
    const row = results.scales[0].rows.find((r) => r.scenario === 'statistics')!;
    row.targets.hub!.heap = { peakTotalMb: 262, usedAtPeakMb: 231, leastUsedMb: 57, externalMb: 22 };
    const md = markdown(results);
    expect(md).toContain('- statistics: 262 (231) · 57 · 22');
    expect(md.match(/The hub's V8 heap in each scenario/g)).toHaveLength(1);
    expect(markdown(later)).not.toContain('V8 heap');
  });
});

/** A scale whose hub was measured in each scenario as given: [scenario, mode, p50]. */
function scaleOf(label: string, rows: [string, 'load' | 'sequential', number][]): ScaleReport {
  return {
    scale: label,
    records: label === '1m' ? 1_000_000 : 100_000,
    persons: 0,
    hubPeakRssMb: 300,
    rows: rows.map(([scenario, mode, p50]) => ({
      scenario,
      title: scenario,
      agree: true,
      summaries: {},
      targets: {
        hub: {
          mode,
          p50,
          p95: p50,
          p99: p50,
          rps: 1,
          requests: 10,
          errors: 0,
          timeouts: 0,
          durationS: 3,
          commandsPerRequest: 4,
          peakRssMb: 300,
        },
      },
    })),
  };
}

describe('bench: p50 growth between scales', () => {
  // as in the 2026-12-02 run: persons-500 under load at 100k (5.6 s), one at a time at 1m (1.8 s), reported as "0.32 ×"
  const small = scaleOf('100k', [
    ['dossier', 'load', 43.9],
    ['persons-500', 'load', 5595.4],
  ]);
  const big = scaleOf('1m', [
    ['dossier', 'load', 38.5],
    ['persons-500', 'sequential', 1812],
  ]);

  it('compares p50s measured the same way', () => {
    expect(growthTarget(small, big, 'dossier')).toEqual({
      target: 'p50 growth 100k → 1m ≤ 1.3 × (dossier)',
      measured: '0.88 × (under load)',
      met: true,
    });
  });

  it('refuses a ratio between a p50 under load and one of requests one at a time, and says why', () => {
    const g = checkTargets([small, big]).find((t) => t.target === 'p50 growth 100k → 1m ≤ 1.3 × (persons-500)');
    expect(g).toEqual({
      target: 'p50 growth 100k → 1m ≤ 1.3 × (persons-500)',
      measured: 'not compared: 100k under load, 1m one at a time (p50s of different modes)',
      met: null,
    });
    expect(g!.measured).not.toMatch(/\d ×/);
  });
});

describe('bench: the ingest target', () => {
  it('is the hub within 1.2 × the driver with the same number of writers, and judges no run that had different ones', () => {
    const ingest = {
      lines: 20_000,
      accepted: 20_000,
      pushes: 1,
      hubSeconds: 6,
      hubRecordsPerSecond: 3333,
      driverSeconds: 5.5,
      driverRecordsPerSecond: 3636,
      ratio: 1.09,
      hubPeakRssMb: 300,
    };
    expect(checkTargets([], { ...ingest, writers: 4 })).toEqual([
      {
        target: "ingest within 1.2 × the driver's bulk write with the same number of writers (4)",
        measured: '1.09 × (hub 3333, driver 3636 records/s)',
        met: true,
      },
    ]);
    expect(checkTargets([], ingest)[0].met).toBeNull();
  });
});

describe('bench: contenders answer the same thing', () => {
  const hubRecord = {
    id: 'a1',
    externalId: 'KSS-1',
    region: { code: '500105' },
    eventAt: '2026-11-05T08:55:00.000Z',
    updatedAt: '2026-11-05T09:21:27.000Z',
    facility: { code: 'KSS500105', name: '看守所' },
    caseNumber: 'A1',
    stage: 'INVESTIGATION',
    admittedAt: '2026-07-24T02:50:00.000Z',
    releasedAt: null,
  };
  const hubAnswer = (name: string) => ({
    data: { detentionRecords: { edges: [{ node: { ...hubRecord, person: { idNumber: '500105199001011234', name } } }] } },
  });
  // the floor answers with the stored shape: `_id`-free ids, the region as a code, dates as JSON
  const floorAnswer = (name: string) => ({
    data: {
      records: [{ ...hubRecord, region: '500105', person: { idNumber: '500105199001011234', name } }],
    },
  });
  const list = listScenario(1);

  it('puts every contender’s answer in one form, field by field', () => {
    const hub = list.targets.hub!.canon(hubAnswer('张三'));
    expect(hub).toEqual([
      [
        'a1',
        'KSS-1',
        '500105',
        Date.parse(hubRecord.eventAt),
        Date.parse(hubRecord.updatedAt),
        ['KSS500105', '看守所'],
        'A1',
        'INVESTIGATION',
        Date.parse(hubRecord.admittedAt),
        null,
        '500105199001011234',
        '张三',
      ],
    ]);
    expect(firstDifference(hub, list.targets.floor!.canon(floorAnswer('张三')))).toBeNull();
  });

  it('finds a person named differently, where it is', () => {
    const d = firstDifference(list.targets.hub!.canon(hubAnswer('张三')), list.targets.floor!.canon(floorAnswer('李四')));
    expect(d).toBe('[0][11]: "张三" ≠ "李四"');
  });

  it('finds a field that differs in a dossier, not only a count', () => {
    const dossier = dossierScenario(1);
    const hubPerson = (stage: string) => ({
      data: {
        person: {
          idNumber: '500105199001011234',
          name: '张三',
          detentions: { edges: [{ node: { ...hubRecord, stage } }] },
          imprisonments: { edges: [] },
          corrections: { edges: [] },
          enforcementCases: { edges: [] },
        },
      },
    });
    const floor = {
      data: [
        {
          idNumber: '500105199001011234',
          name: '张三',
          detention_records: [{ ...hubRecord, region: '500105' }],
          prison_records: [],
          community_corrections: [],
          enforcement_cases: [],
        },
      ],
    };
    expect(firstDifference(dossier.targets.hub!.canon(hubPerson('INVESTIGATION')), dossier.targets.floor!.canon(floor))).toBeNull();
    expect(firstDifference(dossier.targets.hub!.canon(hubPerson('FIRST_INSTANCE')), dossier.targets.floor!.canon(floor))).toBe(
      '[0].records[0][0][7]: "FIRST_INSTANCE" ≠ "INVESTIGATION"',
    );
  });
});

describe('bench: requests drawn from a seeded list', () => {
  const params: Params = {
    seed: 26,
    ids: Array.from({ length: 50 }, (_, i) => `P${i}`),
    listRegions: ['5001', '5002'],
    deep: [],
    statRegions: ['50'],
    headers: { hub: {} },
  };

  it('vary from request to request, the same for every contender and run', () => {
    const persons = Array.from({ length: 20 }, (_, i) => personOf(params, i));
    expect(new Set(persons).size).toBeGreaterThan(10);
    expect(Array.from({ length: 20 }, (_, i) => personOf(params, i))).toEqual(persons);
    const page = personsOf(params, 10, 3);
    expect(new Set(page).size).toBe(10);
    expect(personsOf(params, 10, 3)).toEqual(page);
    expect(personsOf(params, 10, 4)).not.toEqual(page);
    const d = dossierScenario(10);
    const asked = (t: 'hub' | 'floor') => JSON.parse(d.targets[t]!.request(params, 7).body!);
    expect(asked('hub').variables.ids).toEqual(asked('floor').idNumbers);
  });

  it('rotate the contenders from round to round', () => {
    expect([0, 1, 2, 3, 4].map((n) => rotateOrder(['hub', 'floor', 'naive', 'peer'], n)[0])).toEqual([
      'hub',
      'floor',
      'naive',
      'peer',
      'hub',
    ]);
  });
});
