/**
 * Fan-out: a list page of 100 prison records over 40 live REST sources (local example departments
 * speaking the REST source protocol of docs/api.md, each with 50 records), through a hub process that
 * has them registered; beside it the floor: a bare node:http server that calls the same 40
 * departments in parallel with fetch and merges their first pages, newest first.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSynthetic } from '../../domain/synthetic/generate';
import { signToken } from '../../server/jwt';
import { startDepartment, type Department } from '../../test/departments';
import type { BenchStore } from './dataset';
import { registerSource, startScratchHub } from './ingest';
import { runLoad, type LoadResult } from './load';
import { watchRss } from './processes';
import { graphqlProblem } from '../scenarios';

export interface FanOutResult {
  sources: number;
  recordsPerSource: number;
  hub: LoadResult & { peakRssMb: number };
  floor: LoadResult;
  /** hub p50 / floor p50 */
  p50Ratio: number | null;
  agree: boolean;
}

const PAGE = 100;

function prisonRecords(n: number, offset: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const item of generateSynthetic({ persons: 400, seed: 100 + offset, today: new Date('2026-06-30T00:00:00+08:00') })) {
    if (item.domain !== 'PRISON') continue;
    out.push({ ...item.record, externalId: `FAN-${offset}-${out.length}` });
    if (out.length === n) break;
  }
  return out;
}

/** The floor: every department's first page, fetched in parallel, merged newest first. */
async function startFloor(departments: Department[]): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void Promise.all(
        departments.map(async (d) => {
          const r = await fetch(`${d.url}/records?limit=${PAGE}`, { signal: AbortSignal.timeout(2000) });
          return ((await r.json()) as { records: Record<string, any>[] }).records;
        }),
      ).then(
        (pages) => {
          const merged = pages
            .flat()
            .sort((a, b) => (a.eventAt < b.eventAt ? 1 : a.eventAt > b.eventAt ? -1 : 0))
            .slice(0, PAGE);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              data: merged.map((r) => ({
                externalId: r.externalId,
                region: r.region,
                eventAt: r.eventAt,
                prison: r.prison,
                crime: r.crime,
                status: r.status,
              })),
            }),
          );
        },
        (err: Error) => {
          res.writeHead(502);
          res.end(err.message);
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

export async function fanOutScenario(
  store: BenchStore,
  sources: number,
  durationS: number,
  log: (l: string) => void,
): Promise<FanOutResult> {
  const perSource = 50;
  const departments = await Promise.all(
    Array.from({ length: sources }, (_, i) => startDepartment({ records: prisonRecords(perSource, i) })),
  );
  const hub = await startScratchHub(store, 'bench_fanout');
  const floor = await startFloor(departments);
  try {
    for (const [i, d] of departments.entries()) {
      await registerSource(hub, {
        name: `基准监狱 ${i + 1}`,
        department: { code: `BENCH-JY-${i + 1}`, name: `基准监狱 ${i + 1}` },
        domain: 'PRISON',
        kind: 'REST',
        regions: ['50'],
        endpoint: d.url,
      });
    }
    const token = await signToken(hub.jwt, { sub: 'bench-procurator', org: 'BENCH', role: 'PROCURATOR', regions: ['50'] });
    const headers = { authorization: `Bearer ${token}`, 'x-purpose': 'BENCH-2026-001' };
    const query = JSON.stringify({
      query: `query BenchFanOut { prisonRecords(first: ${PAGE}) { edges { node { externalId region { code } eventAt prison { code name } crime status } } pageInfo { hasNextPage } } }`,
    });
    // Every source answers before load starts (the registry and the breakers are warm).
    const first = (await (
      await fetch(`${hub.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query })
    ).json()) as any;
    if (!first.data) throw new Error(`fan-out query failed: ${JSON.stringify(first).slice(0, 300)}`);
    const floorFirst = (await (await fetch(floor.url, { method: 'POST', body: '{}' })).json()) as any;
    // The same newest 100 (records at the same instant may come in another order: compared by time).
    const times = (list: string[]) => list.map((t) => new Date(t).getTime()).join(',');
    const agree =
      times(first.data.prisonRecords.edges.map((e: any) => e.node.eventAt)) === times(floorFirst.data.map((r: any) => r.eventAt));

    const rss = watchRss(hub.server);
    const hubRun = await runLoad({
      url: hub.server.url,
      request: () => ({ path: '/graphql', body: query, headers }),
      connections: 4,
      durationS,
      timeoutS: 30,
      bad: graphqlProblem,
    });
    const peakRssMb = rss.stop();
    const floorRun = await runLoad({ url: floor.url, request: () => ({ path: '/', body: '{}' }), connections: 4, durationS, timeoutS: 30 });
    const line = (name: string, r: LoadResult) =>
      `  fan-out · ${name.padEnd(5)} p50 ${r.p50} ms  p95 ${r.p95}  p99 ${r.p99}  ${r.rps} req/s${r.errors ? `  ${r.errors} errors: ${r.firstError}` : ''}`;
    log(line('hub', hubRun));
    log(line('floor', floorRun));
    if (!agree) log('  fan-out: ANSWERS DIFFER between the hub and the floor');
    return {
      sources,
      recordsPerSource: perSource,
      hub: { ...hubRun, peakRssMb },
      floor: floorRun,
      p50Ratio: hubRun.p50 && floorRun.p50 ? Math.round((hubRun.p50 / floorRun.p50) * 100) / 100 : null,
      agree,
    };
  } finally {
    floor.close();
    await hub.server.stop();
    await Promise.all(departments.map((d) => d.close()));
  }
}
