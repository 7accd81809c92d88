/**
 * The benchmark's report. `--compare`: this run beside an earlier results file, checked on two
 * earlier full runs kept here as test data (test/bench-results/2026-11-26.json and 2026-12-01.json;
 * bench/results keeps only the latest full run). And the line of the hub's V8 heap beside its RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { changedVerdicts, compareResults, markdown, readResults, type Results } from '../bench/lib/report';

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
