/**
 * What the benchmark asks, and how each contender asks it: the hub (GraphQL, authenticated, audited),
 * the floor (driver + node:http), the naive build and the peer (graphql-compose-mongoose). All read
 * the same records and show the same fields; `canon` puts a whole answer in one form, field by field
 * (names included), that must be equal across contenders before any is timed (so a fast wrong answer
 * cannot win). Each request's parameters are drawn from a seeded list (`personOf`, `personsOf`, …).
 */
import type { HttpRequest } from './lib/load';
import { Rng } from '../domain/synthetic/random';

export type Target = 'hub' | 'floor' | 'naive' | 'peer';
export const TARGETS: Target[] = ['hub', 'floor', 'naive', 'peer'];

/** Values taken from the data set before the runs. */
export interface Params {
  /** the seed of every request's draw (persons, pages, areas): the same requests in every run and for every contender */
  seed: number;
  /** persons that have records: the pool dossiers and pages are drawn from */
  ids: string[];
  /** county-level areas (region prefixes) holding at least a page of custody records: list page 1 draws its area from these */
  listRegions: string[];
  /** where page 50 starts in some areas, per contender (the hub's cursor, the floor's position) */
  deep: { region: string; hub: string; floor: string }[];
  /** the region filters statistics draws from (the province and its areas) */
  statRegions: string[];
  headers: { hub: Record<string, string> };
}

/**
 * Request `i`'s draw for one purpose: a pure function of (seed, purpose, i), so the sequence of
 * requests is a seeded list, reproducible, and the same for every contender. Requests vary (other
 * persons, areas, pages each time), so that no contender is measured on one warm answer.
 */
const draw = (p: Params, purpose: number, i: number) => new Rng(p.seed, purpose, i);
const PURPOSE = { person: 1, page: 2, list: 3, deep: 4, statistics: 5 } as const;

/** the person of dossier request i */
export function personOf(p: Params, i: number): string {
  return draw(p, PURPOSE.person, i).pick(p.ids);
}
/** the `size` persons of page request i: distinct, drawn from the pool */
export function personsOf(p: Params, size: number, i: number): string[] {
  const rng = draw(p, PURPOSE.page * 1000 + size, i);
  const pool = p.ids.slice();
  const n = Math.min(size, pool.length);
  for (let k = 0; k < n; k++) {
    const j = rng.int(k, pool.length - 1);
    [pool[k], pool[j]] = [pool[j], pool[k]];
  }
  return pool.slice(0, n);
}
const listRegionOf = (p: Params, i: number) => draw(p, PURPOSE.list, i).pick(p.listRegions);
const deepOf = (p: Params, i: number) => draw(p, PURPOSE.deep, i).pick(p.deep);
const statRegionOf = (p: Params, i: number) => draw(p, PURPOSE.statistics, i).pick(p.statRegions);

export interface ScenarioTarget {
  request(p: Params, i: number): HttpRequest;
  /**
   * The whole answer in one canonical form (every field, names included, in the same shape for every
   * contender): answers to the same request must be equal, or the scenario fails before it is timed.
   */
  canon(body: unknown): unknown;
}

export interface Scenario {
  id: string;
  title: string;
  /** load clients (connections) for this scenario */
  connections: number;
  /** the hub of this scenario runs with these settings (a process of its own, started for it) */
  hubSettings?: Record<string, string>;
  targets: Partial<Record<Target, ScenarioTarget>>;
}

// ---------------------------------------------------------------------------------------------
// Field selections: the same fields for every contender.

const HUB_RECORDS = `
fragment D on DetentionRecord { id externalId region { code } eventAt updatedAt facility { code name } caseNumber stage admittedAt releasedAt }
fragment P on PrisonRecord { id externalId region { code } eventAt updatedAt prison { code name } crime status admittedAt expectedReleaseDate }
fragment C on CommunityCorrection { id externalId region { code } eventAt updatedAt office { code name } correctionType status startDate endDate }
fragment E on EnforcementCase { id externalId region { code } eventAt updatedAt agency { code name } caseNumber category amountInvolved status }
fragment Dossier on Person {
  idNumber name
  detentions(first: 50) { edges { node { ...D } } }
  imprisonments(first: 50) { edges { node { ...P } } }
  corrections(first: 50) { edges { node { ...C } } }
  enforcementCases(first: 50) { edges { node { ...E } } }
}`;

/** The hub's dossier operations (the floor reads with the projection the hub makes of these). */
export const HUB_DOSSIER = `query BenchDossier($id: IdNumber!) { person(idNumber: $id) { ...Dossier } } ${HUB_RECORDS}`;
export const HUB_PERSONS = `query BenchPersons($ids: [IdNumber!]!) { persons(idNumbers: $ids) { ...Dossier } } ${HUB_RECORDS}`;
/** The hub's list operation (the floor reads with the projection the hub makes of it). */
export const HUB_LIST = `query BenchList($regions: [String!], $after: String) {
  detentionRecords(filter: { regions: $regions }, first: 100, after: $after) {
    edges { node { ...D person { idNumber name } } }
    pageInfo { endCursor hasNextPage }
  }
} ${HUB_RECORDS.split('\n')
  .filter((l) => l.startsWith('fragment D '))
  .join('\n')}`;

const NAIVE_DOSSIER = `
  idNumber name
  detentions(first: 50) { id externalId region eventAt updatedAt facility { code name } caseNumber stage admittedAt releasedAt }
  imprisonments(first: 50) { id externalId region eventAt updatedAt prison { code name } crime status admittedAt expectedReleaseDate }
  corrections(first: 50) { id externalId region eventAt updatedAt office { code name } correctionType status startDate endDate }
  enforcementCases(first: 50) { id externalId region eventAt updatedAt agency { code name } caseNumber category amountInvolved status }`;

/** The peer has no person type: its records carry the ID number and name, and the person is named as the hub names them (the newest update). */
const PEER_FIELDS = {
  detention: '_id idNumber name externalId region eventAt updatedAt facility { code name } caseNumber stage admittedAt releasedAt',
  prison: '_id idNumber name externalId region eventAt updatedAt prison { code name } crime status admittedAt expectedReleaseDate',
  correction: '_id idNumber name externalId region eventAt updatedAt office { code name } correctionType status startDate endDate',
  enforcement: '_id idNumber name externalId region eventAt updatedAt agency { code name } caseNumber category amountInvolved status',
};

function gql(path: string, query: string, variables: Record<string, unknown>, headers?: Record<string, string>): HttpRequest {
  return { path, body: JSON.stringify({ query, variables }), headers };
}

function json(path: string, body: unknown): HttpRequest {
  return { path, body: JSON.stringify(body) };
}

const data = (body: unknown): any => (body as { data: any }).data;

// ---------------------------------------------------------------------------------------------
// The canonical form of an answer: what every contender must answer alike, field by field.

/** The fields each record type shows, in the order of the canonical form (GraphQL names; the floor's too). */
export const SHOWN = {
  detention: ['id', 'externalId', 'region', 'eventAt', 'updatedAt', 'facility', 'caseNumber', 'stage', 'admittedAt', 'releasedAt'],
  prison: ['id', 'externalId', 'region', 'eventAt', 'updatedAt', 'prison', 'crime', 'status', 'admittedAt', 'expectedReleaseDate'],
  correction: ['id', 'externalId', 'region', 'eventAt', 'updatedAt', 'office', 'correctionType', 'status', 'startDate', 'endDate'],
  enforcement: ['id', 'externalId', 'region', 'eventAt', 'updatedAt', 'agency', 'caseNumber', 'category', 'amountInvolved', 'status'],
} as const;
type Kind = keyof typeof SHOWN;
const KINDS: Kind[] = ['detention', 'prison', 'correction', 'enforcement'];

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** A value as every contender must give it: instants as milliseconds (ISO text and dates alike), units as code and name. */
function canonValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && INSTANT.test(v)) return Date.parse(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return [canonValue(o.code), canonValue(o.name)];
  }
  return v;
}

/** One record: the shown fields in order (`_id` as the id, a region object as its code). */
export function canonRecord(kind: Kind, r: any): unknown[] {
  return SHOWN[kind].map((f) => {
    if (f === 'id') return String(r.id ?? r._id);
    if (f === 'region') return typeof r.region === 'object' && r.region !== null ? r.region.code : r.region;
    return canonValue(r[f]);
  });
}

interface CanonPerson {
  idNumber: string;
  name: string;
  records: unknown[][][];
}
/** Dossiers sorted by ID number (a contender may answer a page in another order), persons without records left out. */
function canonPersons(list: (CanonPerson | null)[]): CanonPerson[] {
  return list
    .filter((x): x is CanonPerson => !!x && x.records.some((r) => r.length > 0))
    .sort((a, b) => (a.idNumber < b.idNumber ? -1 : 1));
}
const listOf = (p: any, keys: string[], edges: boolean): any[][] =>
  keys.map((k) => (edges ? (p[k]?.edges ?? []).map((e: any) => e.node) : (p[k] ?? [])));
function canonDossier(p: any, keys: string[], edges: boolean): CanonPerson | null {
  if (!p) return null;
  const lists = listOf(p, keys, edges);
  return { idNumber: p.idNumber, name: p.name, records: lists.map((l, i) => l.map((r) => canonRecord(KINDS[i], r))) };
}
const HUB_KEYS = ['detentions', 'imprisonments', 'corrections', 'enforcementCases'];
const FLOOR_KEYS = ['detention_records', 'prison_records', 'community_corrections', 'enforcement_cases'];

/** The peer's four lists of records (of every asked person) as dossiers: grouped by ID number, named by the newest update, as the hub names a person. */
function peerDossiers(d: any): CanonPerson[] {
  const by = new Map<string, { name: string; newest: number; records: unknown[][][] }>();
  [d.d, d.p, d.c, d.e].forEach((list: any[] | null, i) => {
    for (const r of list ?? []) {
      let p = by.get(r.idNumber);
      if (!p) by.set(r.idNumber, (p = { name: r.name, newest: -Infinity, records: [[], [], [], []] }));
      const updated = Date.parse(r.updatedAt);
      if (updated > p.newest) Object.assign(p, { name: r.name, newest: updated });
      if (p.records[i].length < 50) p.records[i].push(canonRecord(KINDS[i], r));
    }
  });
  return canonPersons([...by].map(([idNumber, p]) => ({ idNumber, name: p.name, records: p.records })));
}

/** A list page: each record's shown fields, then its person's ID number and name as the record names them. */
const canonListed = (rows: any[], person: (r: any) => { idNumber: string; name: string }) =>
  rows.map((r) => [...canonRecord('detention', r), person(r).idNumber, person(r).name]);

/** Statistics buckets as [region, month, count], sorted. */
const canonBuckets = (rows: [string, string, number][]) =>
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

export function dossierScenario(size: number): Scenario {
  const single = size === 1;
  const ids = (p: Params, i: number) => (single ? [personOf(p, i)] : personsOf(p, size, i));
  return {
    id: single ? 'dossier' : `persons-${size}`,
    title: single ? 'person dossier (one person, four connections)' : `persons dossier page of ${size}`,
    connections: single ? 8 : 4,
    targets: {
      hub: {
        request: (p, i) =>
          single
            ? gql('/graphql', HUB_DOSSIER, { id: personOf(p, i) }, p.headers.hub)
            : gql('/graphql', HUB_PERSONS, { ids: personsOf(p, size, i) }, p.headers.hub),
        canon: (b) => canonPersons((single ? [data(b).person] : data(b).persons).map((x: any) => canonDossier(x, HUB_KEYS, true))),
      },
      floor: {
        request: (p, i) => json('/dossier', { idNumbers: ids(p, i) }),
        canon: (b) => canonPersons(data(b).map((x: any) => canonDossier(x, FLOOR_KEYS, false))),
      },
      naive: {
        request: (p, i) =>
          single
            ? gql('/', `query($id: String!) { person(idNumber: $id) { ${NAIVE_DOSSIER} } }`, { id: personOf(p, i) })
            : gql('/', `query($ids: [String!]!) { persons(idNumbers: $ids) { ${NAIVE_DOSSIER} } }`, { ids: personsOf(p, size, i) }),
        canon: (b) => canonPersons((single ? [data(b).person] : data(b).persons).map((x: any) => canonDossier(x, HUB_KEYS, false))),
      },
      peer: {
        request: (p, i) => {
          const filter = single ? '{ idNumber: $id }' : '{ _operators: { idNumber: { in: $ids } } }';
          const limit = single ? 50 : 50 * size;
          const vars = single ? '$id: String!' : '$ids: [String]';
          return gql(
            '/',
            `query(${vars}) {
            d: detentionMany(filter: ${filter}, sort: EVENTAT___ID_DESC, limit: ${limit}) { ${PEER_FIELDS.detention} }
            p: prisonMany(filter: ${filter}, sort: EVENTAT___ID_DESC, limit: ${limit}) { ${PEER_FIELDS.prison} }
            c: correctionMany(filter: ${filter}, sort: EVENTAT___ID_DESC, limit: ${limit}) { ${PEER_FIELDS.correction} }
            e: enforcementMany(filter: ${filter}, sort: EVENTAT___ID_DESC, limit: ${limit}) { ${PEER_FIELDS.enforcement} }
          }`,
            single ? { id: personOf(p, i) } : { ids: personsOf(p, size, i) },
          );
        },
        canon: (b) => peerDossiers(data(b)),
      },
    },
  };
}

const PAGE = 100;

/** A page of 100 custody records of an area (drawn per request), each with its person as the record names them; page 1 or page 50. */
export function listScenario(page: 1 | 50): Scenario {
  const deep = page === 50;
  const region = (p: Params, i: number) => (deep ? deepOf(p, i).region : listRegionOf(p, i));
  return {
    id: deep ? 'list-page-50' : 'list-page-1',
    title: `filtered list, page ${page} of 100 records with person (area drawn per request)`,
    connections: 4,
    targets: {
      hub: {
        request: (p, i) => gql('/graphql', HUB_LIST, { regions: [region(p, i)], after: deep ? deepOf(p, i).hub : null }, p.headers.hub),
        canon: (b) =>
          canonListed(
            data(b).detentionRecords.edges.map((e: any) => e.node),
            (r) => r.person,
          ),
      },
      floor: {
        request: (p, i) => json('/list', { regionPrefix: region(p, i), first: PAGE, after: deep ? deepOf(p, i).floor : undefined }),
        canon: (b) => canonListed(data(b).records, (r) => r.person),
      },
      naive: {
        request: (p, i) =>
          gql(
            '/',
            `query($region: String, $page: Int) {
          detentionRecords(regionPrefix: $region, first: ${PAGE}, page: $page) { id externalId region eventAt updatedAt facility { code name } caseNumber stage admittedAt releasedAt person { idNumber name } }
        }`,
            { region: region(p, i), page },
          ),
        canon: (b) => canonListed(data(b).detentionRecords, (r) => r.person),
      },
      peer: {
        request: (p, i) =>
          gql(
            '/',
            `query($region: [String], $page: Int) {
          detentionPagination(filter: { _operators: { regionPath: { in: $region } } }, page: $page, perPage: ${PAGE}, sort: EVENTAT___ID_DESC) {
            items { ${PEER_FIELDS.detention} }
          }
        }`,
            { region: [region(p, i)], page },
          ),
        canon: (b) => canonListed(data(b).detentionPagination.items, (r) => r),
      },
    },
  };
}

export const STAT_DOMAIN = 'DETENTION';

/**
 * Custody records counted by district and month, within a region drawn per request. Two rows, each
 * like with like: `statistics` answers from counts kept ahead (the hub's counts-ahead path, against
 * the floor reading the same kept counts the same way); `statistics-live` counts the records in the
 * store at each request (a hub started with STATISTICS_AHEAD=false, the floor's and the naive build's
 * aggregation).
 */
export function statisticsScenario(kept: boolean): Scenario {
  const hubQuery = `query BenchStatistics($regions: [String!]) { statistics(domain: ${STAT_DOMAIN}, groupBy: [REGION, MONTH], filter: { regions: $regions }) { keys { value } count } }`;
  const plain = (rows: { region: string; month: string; count: number }[]) =>
    canonBuckets(rows.map((r) => [r.region, r.month, r.count] as [string, string, number]));
  const targets: Scenario['targets'] = {
    hub: {
      request: (p, i) => gql('/graphql', hubQuery, { regions: [statRegionOf(p, i)] }, p.headers.hub),
      canon: (b) =>
        canonBuckets(data(b).statistics.map((x: any) => [x.keys[0].value, x.keys[1].value, x.count] as [string, string, number])),
    },
    floor: {
      request: (p, i) => json('/statistics', { domain: STAT_DOMAIN, regionPrefix: statRegionOf(p, i), kept }),
      canon: (b) => plain(data(b)),
    },
  };
  if (!kept)
    targets.naive = {
      request: (p, i) =>
        gql('/', `query($region: String) { statistics(domain: "${STAT_DOMAIN}", regionPrefix: $region) { region month count } }`, {
          region: statRegionOf(p, i),
        }),
      canon: (b) => plain(data(b).statistics),
    };
  return {
    id: kept ? 'statistics' : 'statistics-live',
    title: kept
      ? 'statistics by region × month (custody records) from the counts kept ahead'
      : 'statistics by region × month (custody records) aggregated in the store at each request',
    connections: 2,
    hubSettings: kept ? undefined : { STATISTICS_AHEAD: 'false' },
    targets,
  };
}

/** A GraphQL answer with errors is a failed request, whatever its HTTP status. */
export function graphqlProblem(_status: number, body: string): string | null {
  if (body.startsWith('{"errors"') || body.includes('"errors":[')) return body.slice(0, 300);
  return null;
}

/**
 * Registers the hub's operations of these scenarios as trusted, as a front end's shipped operations
 * are: every other operation has a cost budget (server/list-cost.ts), and a dossier page of 100
 * persons costs 300,601 (list sizes × fields), far over it.
 */
export async function trustHubOperations(url: string, adminAuthorization: string, scenarios: Scenario[], p: Params): Promise<void> {
  for (const sc of scenarios) {
    const request = sc.targets.hub?.request(p, 0);
    if (!request?.body) continue;
    const { query } = JSON.parse(request.body) as { query: string };
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: adminAuthorization },
      body: JSON.stringify({
        query: 'mutation($name: String!, $query: String!) { registerTrustedOperation(name: $name, query: $query) { hash } }',
        variables: { name: `bench ${sc.id}`, query },
      }),
    });
    const problem = graphqlProblem(res.status, await res.text());
    if (problem) throw new Error(`registering the ${sc.id} operation as trusted failed: ${problem}`);
  }
}
