import { validateRecord } from '../domain/records';
import { startDepartment, type Department, type DepartmentOptions } from './departments';
import { detentionInput, personId, prisonInput } from './fixtures';

const REGIONS = ['500101', '500102', '500112', '500229'];

/** 60 persons in four districts, 4 detention records each, plus three records whose offsets differ. */
function cityRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let p = 0; p < 60; p++) {
    const region = REGIONS[p % REGIONS.length];
    const id = personId(p, region);
    for (let k = 0; k < 4; k++) out.push(detentionInput(id, p + k, { region }));
  }
  // 2024-03-15T00:30Z, 2024-03-15T01:00Z and 2024-03-14T23:00Z: as strings they would sort otherwise
  const id = personId(500, '500101');
  out.push(
    detentionInput(id, 1, {
      externalId: 'TZ-1',
      eventAt: '2024-03-15T08:30:00+08:00',
      admittedAt: '2024-03-15T08:30:00+08:00',
      stageStartedAt: '2024-03-15T08:30:00+08:00',
    }),
  );
  out.push(
    detentionInput(id, 2, {
      externalId: 'TZ-2',
      eventAt: '2024-03-15T01:00:00Z',
      admittedAt: '2024-03-15T01:00:00Z',
      stageStartedAt: '2024-03-15T01:00:00Z',
    }),
  );
  out.push(
    detentionInput(id, 3, {
      externalId: 'TZ-3',
      eventAt: '2024-03-15T07:00:00+08:00',
      admittedAt: '2024-03-15T07:00:00+08:00',
      stageStartedAt: '2024-03-15T07:00:00+08:00',
    }),
  );
  return out;
}

/** The protocol's order, computed independently: eventAt descending as instants, then externalId descending. */
function protocolOrder(records: Record<string, unknown>[]): string[] {
  return [...records]
    .sort(
      (a, b) =>
        Date.parse(String(b.eventAt)) - Date.parse(String(a.eventAt)) ||
        (String(b.externalId) > String(a.externalId) ? 1 : String(b.externalId) < String(a.externalId) ? -1 : 0),
    )
    .map((r) => String(r.externalId));
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

async function gql(d: Department, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${d.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

/** Follows nextCursor from the first page to the last; returns every page's answer. */
async function allPages(d: Department, params: Record<string, string>): Promise<any[]> {
  const pages: any[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
    const { status, body } = await getJson(`${d.url}/records?${q}`);
    expect(status).toBe(200);
    pages.push(body);
    cursor = body.nextCursor;
    if (pages.length > 100) throw new Error('paging does not end');
  } while (cursor !== null);
  return pages;
}

describe('a department system started by a test', () => {
  const started: Department[] = [];
  const start = async (options: DepartmentOptions) => {
    const d = await startDepartment(options);
    started.push(d);
    return d;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((d) => d.close()));
  });

  describe('speaking the REST protocol while healthy', () => {
    it('answers /health with 200 {"status":"ok"} on a port of its own', async () => {
      const d = await start({ records: [] });
      expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await getJson(`${d.url}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('pages through every record exactly once, newest first, ties by externalId descending, with the right total', async () => {
      const records = cityRecords();
      const d = await start({ records });
      const pages = await allPages(d, { limit: '37' });
      expect(pages).toHaveLength(Math.ceil(records.length / 37));
      for (const p of pages) expect(p.total).toBe(records.length);
      const seen = pages.flatMap((p) => p.records.map((r: any) => r.externalId));
      expect(seen).toEqual(protocolOrder(records));
      expect(new Set(seen).size).toBe(records.length);
      expect(seen.indexOf('TZ-2')).toBeLessThan(seen.indexOf('TZ-1'));
      expect(seen.indexOf('TZ-1')).toBeLessThan(seen.indexOf('TZ-3'));
      for (const r of pages.flatMap((p) => p.records)) expect(validateRecord('DETENTION', r).ok).toBe(true);
    });

    it('filters by region prefixes and an event window (from inclusive, to exclusive, compared as instants)', async () => {
      const records = cityRecords();
      const d = await start({ records });
      const from = '2024-03-15T08:30:00+08:00'; // TZ-1 exactly: included
      const to = '2024-03-15T01:00:00Z'; // TZ-2 exactly: excluded
      const expected = records.filter(
        (r) =>
          ['500101', '5002'].some((p) => String(r.region).startsWith(p)) &&
          Date.parse(String(r.eventAt)) >= Date.parse(from) &&
          Date.parse(String(r.eventAt)) < Date.parse(to),
      );
      expect(expected.map((r) => r.externalId)).toEqual(['TZ-1']);

      const window = await allPages(d, { regions: '500101,5002', eventFrom: from, eventTo: to });
      expect(window).toHaveLength(1);
      expect(window[0]).toMatchObject({ total: 1, nextCursor: null });
      expect(window[0].records.map((r: any) => r.externalId)).toEqual(['TZ-1']);

      const spring = records.filter(
        (r) =>
          ['500101', '5002'].some((p) => String(r.region).startsWith(p)) &&
          Date.parse(String(r.eventAt)) >= Date.parse('2024-03-01T00:00:00+08:00') &&
          Date.parse(String(r.eventAt)) < Date.parse('2024-07-01T00:00:00+08:00'),
      );
      expect(spring.length).toBeGreaterThan(20);
      const pages = await allPages(d, {
        regions: '500101,5002',
        eventFrom: '2024-03-01T00:00:00+08:00',
        eventTo: '2024-07-01T00:00:00+08:00',
        limit: '10',
      });
      for (const p of pages) expect(p.total).toBe(spring.length);
      expect(pages.flatMap((p) => p.records.map((r: any) => r.externalId))).toEqual(protocolOrder(spring));
    });

    it('takes idNumber as a filter of the list form', async () => {
      const records = cityRecords();
      const d = await start({ records });
      const id = personId(7, REGIONS[7 % 4]);
      const { body } = await getJson(`${d.url}/records?idNumber=${id}&limit=2`);
      expect(body.total).toBe(4);
      expect(body.records).toHaveLength(2);
      expect(body.records.every((r: any) => r.idNumber === id)).toBe(true);
      expect(typeof body.nextCursor).toBe('string');
    });

    it('looks up every record of the persons named in idNumbers, and only theirs', async () => {
      const records = cityRecords();
      const d = await start({ records });
      const ids = [personId(3, REGIONS[3]), personId(10, REGIONS[2]), personId(999, '500101')];
      const { status, body } = await getJson(`${d.url}/records?idNumbers=${ids.join(',')}`);
      expect(status).toBe(200);
      expect(Object.keys(body)).toEqual(['records']);
      const expected = records.filter((r) => ids.includes(String(r.idNumber)));
      expect(expected).toHaveLength(8);
      expect(body.records.map((r: any) => r.externalId)).toEqual(protocolOrder(expected));
    });

    it('pages 100 records by default and at most 1000 however many are asked for', async () => {
      const records = Array.from({ length: 1100 }, (_, i) => prisonInput(personId(i), i));
      const d = await start({ records });
      const first = (await getJson(`${d.url}/records`)).body;
      expect(first.records).toHaveLength(100);
      expect(first.total).toBe(1100);
      const big = (await getJson(`${d.url}/records?limit=5000`)).body;
      expect(big.records).toHaveLength(1000);
      const rest = (await getJson(`${d.url}/records?limit=5000&cursor=${encodeURIComponent(big.nextCursor)}`)).body;
      expect(rest.records).toHaveLength(100);
      expect(rest.nextCursor).toBeNull();
    });

    it('answers a cursor it never issued, a bad limit or a bad date with 400', async () => {
      const d = await start({ records: cityRecords() });
      expect((await fetch(`${d.url}/records?cursor=bm9wZQ`)).status).toBe(400);
      expect((await fetch(`${d.url}/records?limit=0`)).status).toBe(400);
      expect((await fetch(`${d.url}/records?limit=ten`)).status).toBe(400);
      expect((await fetch(`${d.url}/records?eventFrom=yesterday`)).status).toBe(400);
      expect((await fetch(`${d.url}/elsewhere`)).status).toBe(404);
    });

    it('serves top-level fields under the department’s own names when asked to rename', async () => {
      const records = cityRecords();
      const d = await start({ records, rename: { idNumber: 'sfzh', name: 'xm', eventAt: 'fssj' } });
      const id = personId(5, REGIONS[1]);
      const { body } = await getJson(`${d.url}/records?idNumbers=${id}`);
      expect(body.records).toHaveLength(4);
      for (const r of body.records) {
        expect(r).toMatchObject({ sfzh: id, xm: '王伟', region: REGIONS[1] });
        expect(typeof r.fssj).toBe('string');
        expect(r).not.toHaveProperty('idNumber');
        expect(r).not.toHaveProperty('name');
        expect(r).not.toHaveProperty('eventAt');
        expect(r.facility).toEqual({ code: 'KSS-500101', name: '重庆市万州区看守所' });
      }
      const list = (await getJson(`${d.url}/records?regions=500102&limit=1000`)).body;
      expect(list.total).toBe(60);
    });

    it('follows setRecords and records every request it receives, in order', async () => {
      const d = await start({ records: [] });
      expect((await getJson(`${d.url}/records`)).body).toEqual({ records: [], nextCursor: null, total: 0 });
      d.setRecords([detentionInput(personId(1), 1)]);
      expect((await getJson(`${d.url}/records`)).body.total).toBe(1);
      await fetch(`${d.url}/health`);
      expect(d.requests.map((r) => r.path)).toEqual(['/records', '/records', '/health']);
      expect(d.requests[0].query).toEqual({});
      expect(d.requests[2].at).toBeGreaterThanOrEqual(d.requests[0].at);
    });
  });

  describe('speaking GraphQL', () => {
    const QUERY = `query Records($idNumbers: [String!], $regions: [String!], $eventFrom: String, $eventTo: String, $limit: Int, $cursor: String) {
      records(idNumbers: $idNumbers, regions: $regions, eventFrom: $eventFrom, eventTo: $eventTo, limit: $limit, cursor: $cursor) {
        records nextCursor total
      }
    }`;

    it('answers the health probe { __typename }', async () => {
      const d = await start({ kind: 'GRAPHQL', records: [] });
      expect(await gql(d, '{ __typename }')).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    });

    it('pages records by variables just as the REST form does, and looks persons up by idNumbers', async () => {
      const records = cityRecords();
      const d = await start({ kind: 'GRAPHQL', records });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const { status, body } = await gql(d, QUERY, { regions: ['50'], limit: 25, cursor });
        expect(status).toBe(200);
        expect(body.data.records.total).toBe(records.length);
        seen.push(...body.data.records.records.map((r: any) => r.externalId));
        cursor = body.data.records.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(protocolOrder(records));

      const id = personId(11, REGIONS[3]);
      const byId = await gql(d, QUERY, { idNumbers: [id] });
      expect(byId.body.data.records).toMatchObject({ total: 4, nextCursor: null });
      expect(byId.body.data.records.records.every((r: any) => r.idNumber === id)).toBe(true);
      expect(d.requests.at(-1)).toMatchObject({ path: '/graphql', body: { variables: { idNumbers: [id] } } });
    });

    it('answers at E/graphql and at E itself, but not on the REST paths', async () => {
      const d = await start({ kind: 'GRAPHQL', records: cityRecords() });
      const atRoot = await fetch(`${d.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query($limit: Int) { records(limit: $limit) { total } }', variables: { limit: 1 } }),
      });
      expect(((await atRoot.json()) as any).data.records.total).toBe(243);
      expect((await fetch(`${d.url}/records`)).status).toBe(404);
      expect((await fetch(`${d.url}/health`)).status).toBe(404);
    });
  });

  describe('misbehaving', () => {
    it('answers only after delayMs when slow (1500 ms unless told otherwise)', async () => {
      const quick = await start({ records: cityRecords(), mode: 'slow', delayMs: 300 });
      let t0 = Date.now();
      expect((await getJson(`${quick.url}/records?limit=1`)).body.records).toHaveLength(1);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

      const slow = await start({ records: [], mode: 'slow' });
      t0 = Date.now();
      expect((await getJson(`${slow.url}/health`)).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1490);
    });

    it('adds delayMs to every answer in other modes too', async () => {
      const d = await start({ records: [], mode: 'fail500', delayMs: 250 });
      const t0 = Date.now();
      expect((await fetch(`${d.url}/health`)).status).toBe(500);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    });

    it('never answers when hanging, and still closes within a second with requests open', async () => {
      const d = await startDepartment({ records: cityRecords(), mode: 'hanging' });
      await expect(fetch(`${d.url}/health`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
      const open = [fetch(`${d.url}/records?limit=5`).catch((e: unknown) => e), fetch(`${d.url}/health`).catch((e: unknown) => e)];
      while (d.requests.length < 3) await new Promise((r) => setTimeout(r, 10));
      const t0 = Date.now();
      await d.close();
      expect(Date.now() - t0).toBeLessThan(1000);
      for (const outcome of await Promise.all(open)) expect(outcome).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
      expect(d.requests.map((r) => r.path)).toEqual(['/health', '/records', '/health']);
    });

    it('fails every request with 500 and a text body in fail500', async () => {
      for (const kind of ['REST', 'GRAPHQL'] as const) {
        const d = await start({ kind, records: cityRecords(), mode: 'fail500' });
        const res =
          kind === 'REST'
            ? await fetch(`${d.url}/records?limit=5`)
            : await fetch(`${d.url}/graphql`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ query: '{ __typename }' }),
              });
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toContain('text/plain');
        expect(await res.text()).toMatch(/internal server error/);
      }
      const d = await start({ records: [], mode: 'fail500' });
      expect((await fetch(`${d.url}/health`)).status).toBe(500);
    });

    it('answers 200 with a truncated JSON body when malformed', async () => {
      const rest = await start({ records: cityRecords(), mode: 'malformed' });
      for (const path of ['/health', '/records?limit=3', `/records?idNumbers=${personId(1, REGIONS[1])}`]) {
        const res = await fetch(`${rest.url}${path}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/json');
        const body = await res.text();
        expect(body.length).toBeGreaterThan(0);
        expect(() => JSON.parse(body)).toThrow();
      }
      const graph = await start({ kind: 'GRAPHQL', records: cityRecords(), mode: 'malformed' });
      const res = await fetch(`${graph.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ records { total } }' }),
      });
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
    });

    it('serves records with a broken ID number checksum and a missing required field when invalid', async () => {
      const records = cityRecords();
      const d = await start({ records, mode: 'invalid' });
      expect(await getJson(`${d.url}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
      const { status, body } = await getJson(`${d.url}/records?limit=50`);
      expect(status).toBe(200);
      expect(body.total).toBe(records.length);
      expect(body.records).toHaveLength(50);
      for (const r of body.records) {
        const v = validateRecord('DETENTION', r);
        expect(v.ok).toBe(false);
        if (v.ok) continue;
        expect(v.reasons).toContainEqual(expect.stringMatching(/^idNumber: .*check character should be/));
        expect(v.reasons).toContain('name: is required');
      }
      const id = personId(2, REGIONS[2]);
      const byId = await getJson(`${d.url}/records?idNumbers=${id}`);
      expect(byId.body.records).toHaveLength(4);
      expect(byId.body.records.every((r: any) => r.idNumber !== id && r.idNumber.slice(0, 17) === id.slice(0, 17))).toBe(true);

      const graph = await start({ kind: 'GRAPHQL', records, mode: 'invalid' });
      const g = await gql(graph, 'query($limit: Int) { records(limit: $limit) { records total nextCursor } }', { limit: 5 });
      for (const r of g.body.data.records.records) expect(validateRecord('DETENTION', r).ok).toBe(false);
    });

    it('alternates success and 503 across all paths when flapping, counting from when the mode was set', async () => {
      const d = await start({ records: cityRecords(), mode: 'flapping' });
      const statuses: number[] = [];
      for (const path of ['/health', '/records?limit=1', '/records?limit=1', '/health', '/health', '/records?idNumbers=x']) {
        const res = await fetch(`${d.url}${path}`);
        statuses.push(res.status);
        if (res.status === 503) expect(res.headers.get('content-type')).toContain('text/plain');
        await res.arrayBuffer();
      }
      expect(statuses).toEqual([200, 503, 200, 503, 200, 503]);

      d.setMode('healthy');
      expect((await fetch(`${d.url}/health`)).status).toBe(200);
      expect((await fetch(`${d.url}/health`)).status).toBe(200);
      d.setMode('flapping');
      expect((await fetch(`${d.url}/health`)).status).toBe(200);
      expect((await fetch(`${d.url}/health`)).status).toBe(503);
    });

    it('comes back when its mode is set to healthy again', async () => {
      const d = await start({ records: cityRecords(), mode: 'fail500' });
      expect((await fetch(`${d.url}/health`)).status).toBe(500);
      d.setMode('healthy');
      expect((await getJson(`${d.url}/records?limit=2`)).body.records).toHaveLength(2);
    });
  });
});
