/**
 * The performance model (docs/store.md): a request costs a known number of store round trips, counted
 * with the driver's command monitoring. With the `$in` plan (MongoDB) it is constant per
 * collection whatever the page size; with the equality plan (FerretDB, which reads a whole
 * collection for an `$in`: datasources/store/lookup.ts) it is one index lookup per person and collection,
 * and a list page reads the days registry, then day by day (datasources/store/ferretdb/record-days.ts).
 */
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';
import { KEY_BATCH, type BatchLookup } from '../datasources/store/lookup';
import type { ListReads } from '../datasources/store/record-store';
import { operationHash } from '../datasources/services/trusted-operations';

const DOSSIERS = `query($ids: [IdNumber!]!) {
  persons(idNumbers: $ids) {
    idNumber name region { name }
    detentions { totalCount edges { node { stage facility { name } source { name } person { name } } } }
    imprisonments { totalCount edges { node { status person { name } } } }
    corrections { totalCount edges { node { status } } }
    enforcementCases { totalCount edges { node { category } } }
  }
}`;

const LIST = `query($first: Int!) {
  detentionRecords(first: $first, filter: { regions: ["50"] }) {
    edges { node { externalId stage source { name } person { name gender detentions { totalCount } } } }
    pageInfo { hasNextPage }
  }
}`;

/** A hub with 120 seeded persons (three records per person and domain: 300 rows per collection for 100 persons, more than one default batch) whose store commands a test counts. */
function countingHub(batchLookup: BatchLookup, listReads: ListReads) {
  const h = {} as { t: TestHub; ids: string[]; commandsFor(query: string, variables?: Record<string, unknown>): Promise<string[]> };
  beforeAll(async () => {
    // no background registry refresh during the counts
    h.t = await startTestHub({ registryRefreshMs: 3_600_000, batchLookup, listReads });
    h.ids = await seedPersons(h.t.hub.sources, await registerTestSources(h.t.hub.sources), 120, 3);
    // A dossier page of 100 persons is over the cost budget of ad-hoc operations (48,801 by list
    // sizes × fields): registered as trusted, as the front end that ships it would have it.
    await h.t.admin('mutation($q: String!) { registerTrustedOperation(name: "dossiers", query: $q) { hash } }', { q: DOSSIERS });
    // the first request of a process reads the end of the audit chain once; later ones only append
    await h.t.gql('{ hubInfo { version } }');
    // and the first request of an operation text keeps the text, once per process (audit_operations;
    // counted by its own test below): kept here, as a process that has served them before has
    for (const text of [DOSSIERS, LIST]) await h.t.hub.context().audit.keepOperation(operationHash(text), text);
  });
  afterAll(async () => {
    await h.t.close();
  });
  h.commandsFor = async (query, variables) => {
    h.t.resetCommands();
    const { body } = await h.t.gql(query, variables);
    expect(body.errors).toBeUndefined();
    return h.t.commands.map((c) => `${c.commandName} ${String((c.command as any)[c.commandName])}`).sort();
  };
  return h;
}

/** How many of each command. */
function tally(commands: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of commands) out[c] = (out[c] ?? 0) + 1;
  return out;
}

describe('store round trips per request, $in plan (MongoDB)', () => {
  const h = countingHub('in', 'sorted');

  it('serves a dossier of 10 and of 100 persons with one query per collection', async () => {
    const ten = await h.commandsFor(DOSSIERS, { ids: h.ids.slice(0, 10) });
    const hundred = await h.commandsFor(DOSSIERS, { ids: h.ids.slice(0, 100) });
    // persons are derived from their records: the four record finds, and the audit entry, are all there is
    const expected = [
      'find community_corrections',
      'find detention_records',
      'find enforcement_cases',
      'find prison_records',
      'insert audit_log',
    ];
    expect(ten).toEqual(expected);
    expect(hundred).toEqual(expected);
  });

  it("keeps an operation's text with one insert the first time, and with no command after", async () => {
    const text = '{ hubInfo { version store } }';
    expect(await h.commandsFor(text)).toEqual(['insert audit_log', 'insert audit_operations']);
    expect(await h.commandsFor(text)).toEqual(['insert audit_log']);
  });

  it('serves a list page of 10 and of 100 records with their persons in the same number of queries', async () => {
    const ten = await h.commandsFor(LIST, { first: 10 });
    const hundred = await h.commandsFor(LIST, { first: 100 });
    // the page, then every listed person's custodies for `person { detentions }`, in one batch
    expect(ten).toEqual(['find detention_records', 'find detention_records', 'insert audit_log']);
    expect(hundred).toEqual(ten);
  });
});

describe('store round trips per request, equality plan (FerretDB)', () => {
  const h = countingHub('equality', 'by-day');

  it('looks each person up once per collection, with no $in', async () => {
    for (const n of [10, 100]) {
      const seen = tally(await h.commandsFor(DOSSIERS, { ids: h.ids.slice(0, n) }));
      expect(seen).toEqual({
        'find community_corrections': n,
        'find detention_records': n,
        'find enforcement_cases': n,
        'find prison_records': n,
        'insert audit_log': 1,
      });
      expect(h.t.commands.some((c) => JSON.stringify((c.command as any).filter ?? {}).includes('$in'))).toBe(false);
      // one person's records in the first reply, and no room asked for beyond that: FerretDB
      // allocates the batch size asked before it reads (datasources/store/lookup.ts, KEY_BATCH)
      const lookups = h.t.commands.filter((c) => c.commandName === 'find' && (c.command as any).filter?.idNumber);
      expect(lookups).toHaveLength(4 * n);
      expect(new Set(lookups.map((c) => (c.command as any).batchSize))).toEqual(new Set([KEY_BATCH]));
    }
  });

  it('serves a list page with the days registry, one find per day read and one per listed person', async () => {
    const { body } = await h.t.gql(
      '{ detentionRecords(first: 100, filter: { regions: ["50"] }) { edges { node { person { idNumber } } } } }',
    );
    const persons = new Set(body.data.detentionRecords.edges.map((e: any) => e.node.person.idNumber)).size;
    expect(persons).toBeGreaterThan(10);
    const seen = tally(await h.commandsFor(LIST, { first: 100 }));
    // the days registry's head (its list was read by the page before and has not changed), the page
    // from its newest day (2024-03-12 holds 120 records: it fills the page alone), then one lookup per
    // distinct person on it (their custodies for `person { detentions }`)
    expect(seen).toEqual({ 'find hub_meta': 1, 'find detention_records': 1 + persons, 'insert audit_log': 1 });
    const days = h.t.commands.filter((c) => c.commandName === 'find' && (c.command as any).filter?.eventDay);
    expect(days.map((c) => (c.command as any).filter.eventDay)).toEqual(['2024-03-12']);
  });
});
