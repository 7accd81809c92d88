/**
 * What the benchmark asks, and how each contender asks it: the hub (GraphQL, authenticated, audited),
 * the floor (driver + node:http), the naive build and the peer (graphql-compose-mongoose). All read
 * the same records and show the same fields; `summary` reduces an answer to figures that must agree
 * across contenders (so a fast wrong answer cannot win).
 */
import type { HttpRequest } from './lib/load';

export type Target = 'hub' | 'floor' | 'naive' | 'peer';
export const TARGETS: Target[] = ['hub', 'floor', 'naive', 'peer'];

/** Values taken from the data set before the runs. */
export interface Params {
  /** persons that have records, in a fixed order */
  ids: string[];
  /** region prefix of the filtered list (a county-level area with more than 5,000 custody records) */
  listRegion: string;
  /** where page 50 starts, per contender (cursor or page number) */
  page50: { hub: string; floor: string } | null;
  headers: { hub: Record<string, string> };
}

export interface ScenarioTarget {
  request(p: Params, i: number): HttpRequest;
  /** figures that must be equal for every contender (a JSON string) */
  summary(body: unknown): string;
}

export interface Scenario {
  id: string;
  title: string;
  /** load clients (connections) for this scenario */
  connections: number;
  targets: Partial<Record<Target, ScenarioTarget>>;
}

// ---------------------------------------------------------------------------------------------
// Field selections: the same fields for every GraphQL contender.

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

const NAIVE_DOSSIER = `
  idNumber name
  detentions(first: 50) { id externalId region eventAt updatedAt facility { code name } caseNumber stage admittedAt releasedAt }
  imprisonments(first: 50) { id externalId region eventAt updatedAt prison { code name } crime status admittedAt expectedReleaseDate }
  corrections(first: 50) { id externalId region eventAt updatedAt office { code name } correctionType status startDate endDate }
  enforcementCases(first: 50) { id externalId region eventAt updatedAt agency { code name } caseNumber category amountInvolved status }`;

const PEER_FIELDS = {
  detention: '_id externalId region eventAt updatedAt facility { code name } caseNumber stage admittedAt releasedAt',
  prison: '_id externalId region eventAt updatedAt prison { code name } crime status admittedAt expectedReleaseDate',
  correction: '_id externalId region eventAt updatedAt office { code name } correctionType status startDate endDate',
  enforcement: '_id externalId region eventAt updatedAt agency { code name } caseNumber category amountInvolved status',
};

function gql(path: string, query: string, variables: Record<string, unknown>, headers?: Record<string, string>): HttpRequest {
  return { path, body: JSON.stringify({ query, variables }), headers };
}

function json(path: string, body: unknown): HttpRequest {
  return { path, body: JSON.stringify(body) };
}

const data = (body: unknown): any => (body as { data: any }).data;
const len = (x: unknown[] | undefined | null) => (x ? x.length : 0);

/** Record counts of one dossier in the hub's connection shape. */
function hubDossierCount(p: any): number {
  if (!p) return 0;
  return len(p.detentions.edges) + len(p.imprisonments.edges) + len(p.corrections.edges) + len(p.enforcementCases.edges);
}
function plainDossierCount(p: any): number {
  if (!p) return 0;
  return len(p.detentions) + len(p.imprisonments) + len(p.corrections) + len(p.enforcementCases);
}
function floorDossierCount(p: any): number {
  if (!p) return 0;
  return len(p.detention_records) + len(p.prison_records) + len(p.community_corrections) + len(p.enforcement_cases);
}

const PAGE = 100;
/** the i-th page of 100 persons (pages rotate through the sample) */
function personsPage(p: Params, i: number, size = PAGE): string[] {
  const pages = Math.max(1, Math.floor(p.ids.length / size));
  const start = (i % pages) * size;
  return p.ids.slice(start, start + size);
}
const onePerson = (p: Params, i: number) => p.ids[i % p.ids.length];

export function dossierScenario(size: number): Scenario {
  const single = size === 1;
  return {
    id: single ? 'dossier' : `persons-${size}`,
    title: single ? 'person dossier (one person, four connections)' : `persons dossier page of ${size}`,
    connections: single ? 8 : 4,
    targets: {
      hub: {
        request: (p, i) =>
          single
            ? gql(
                '/graphql',
                `query BenchDossier($id: IdNumber!) { person(idNumber: $id) { ...Dossier } } ${HUB_RECORDS}`,
                { id: onePerson(p, i) },
                p.headers.hub,
              )
            : gql(
                '/graphql',
                `query BenchPersons($ids: [IdNumber!]!) { persons(idNumbers: $ids) { ...Dossier } } ${HUB_RECORDS}`,
                { ids: personsPage(p, i, size) },
                p.headers.hub,
              ),
        summary: (b) =>
          JSON.stringify(
            single ? hubDossierCount(data(b).person) : data(b).persons.reduce((n: number, x: any) => n + hubDossierCount(x), 0),
          ),
      },
      floor: {
        request: (p, i) => json('/dossier', { idNumbers: single ? [onePerson(p, i)] : personsPage(p, i, size) }),
        summary: (b) => JSON.stringify(data(b).reduce((n: number, x: any) => n + floorDossierCount(x), 0)),
      },
      naive: {
        request: (p, i) =>
          single
            ? gql('/', `query($id: String!) { person(idNumber: $id) { ${NAIVE_DOSSIER} } }`, { id: onePerson(p, i) })
            : gql('/', `query($ids: [String!]!) { persons(idNumbers: $ids) { ${NAIVE_DOSSIER} } }`, { ids: personsPage(p, i, size) }),
        summary: (b) =>
          JSON.stringify(
            single ? plainDossierCount(data(b).person) : data(b).persons.reduce((n: number, x: any) => n + plainDossierCount(x), 0),
          ),
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
            single ? { id: onePerson(p, i) } : { ids: personsPage(p, i, size) },
          );
        },
        summary: (b) => {
          const d = data(b);
          return JSON.stringify(len(d.d) + len(d.p) + len(d.c) + len(d.e));
        },
      },
    },
  };
}

/** A page of 100 custody records of one area, each with its person; page 1 or page 50. */
export function listScenario(page: 1 | 50): Scenario {
  const deep = page === 50;
  return {
    id: deep ? 'list-page-50' : 'list-page-1',
    title: `filtered list, page ${page} of 100 records with person`,
    connections: 4,
    targets: {
      hub: {
        request: (p) =>
          gql(
            '/graphql',
            `query BenchList($regions: [String!], $after: String) {
          detentionRecords(filter: { regions: $regions }, first: ${PAGE}, after: $after) {
            edges { node { ...D person { idNumber name } } }
            pageInfo { endCursor hasNextPage }
          }
        } ${HUB_RECORDS.split('\n')
          .filter((l) => l.startsWith('fragment D '))
          .join('\n')}`,
            { regions: [p.listRegion], after: deep ? p.page50!.hub : null },
            p.headers.hub,
          ),
        summary: (b) => ids(data(b).detentionRecords.edges.map((e: any) => e.node.id)),
      },
      floor: {
        request: (p) => json('/list', { regionPrefix: p.listRegion, first: PAGE, after: deep ? p.page50!.floor : undefined }),
        summary: (b) => ids(data(b).records.map((r: any) => r.id)),
      },
      naive: {
        request: (p) =>
          gql(
            '/',
            `query($region: String, $page: Int) {
          detentionRecords(regionPrefix: $region, first: ${PAGE}, page: $page) { id externalId region eventAt updatedAt facility { code name } caseNumber stage admittedAt releasedAt person { idNumber name } }
        }`,
            { region: p.listRegion, page },
          ),
        summary: (b) => ids(data(b).detentionRecords.map((r: any) => r.id)),
      },
      peer: {
        request: (p) =>
          gql(
            '/',
            `query($region: [String], $page: Int) {
          detentionPagination(filter: { _operators: { regionPath: { in: $region } } }, page: $page, perPage: ${PAGE}, sort: EVENTAT___ID_DESC) {
            items { ${PEER_FIELDS.detention}
              pd: personDetentions(limit: 1, sort: UPDATEDAT_DESC) { name updatedAt }
              pp: personPrisons(limit: 1, sort: UPDATEDAT_DESC) { name updatedAt }
              pc: personCorrections(limit: 1, sort: UPDATEDAT_DESC) { name updatedAt }
              pe: personEnforcements(limit: 1, sort: UPDATEDAT_DESC) { name updatedAt }
            }
          }
        }`,
            { region: [p.listRegion], page },
          ),
        summary: (b) => ids(data(b).detentionPagination.items.map((r: any) => r._id)),
      },
    },
  };
}

function ids(list: string[]): string {
  return JSON.stringify({ n: list.length, first: list[0] ?? null, last: list[list.length - 1] ?? null });
}

export const STAT_DOMAIN = 'DETENTION';

/** Custody records counted by district and month. */
export function statisticsScenario(): Scenario {
  const total = (rows: { count: number }[]) => JSON.stringify({ buckets: rows.length, records: rows.reduce((n, r) => n + r.count, 0) });
  return {
    id: 'statistics',
    title: 'statistics by region × month (custody records)',
    connections: 2,
    targets: {
      hub: {
        request: (p) =>
          gql(
            '/graphql',
            `query BenchStatistics { statistics(domain: ${STAT_DOMAIN}, groupBy: [REGION, MONTH]) { keys { value } count } }`,
            {},
            p.headers.hub,
          ),
        summary: (b) => total(data(b).statistics),
      },
      floor: { request: () => json('/statistics', { domain: STAT_DOMAIN }), summary: (b) => total(data(b)) },
      naive: {
        request: () => gql('/', `{ statistics(domain: "${STAT_DOMAIN}") { region month count } }`, {}),
        summary: (b) => total(data(b).statistics),
      },
    },
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
