/**
 * The performance model (DESIGN.md): a request costs a constant number of store round trips per
 * collection, whatever the page size. Counted with the driver's command monitoring.
 */
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

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

describe('store round trips per request', () => {
  let t: TestHub;
  let ids: string[];
  beforeAll(async () => {
    // no background registry refresh during the counts
    t = await startTestHub({ registryRefreshMs: 3_600_000 });
    const srcs = await registerTestSources(t.hub.sources);
    // three records per person and domain: 300 rows per collection for 100 persons, more than one default batch
    ids = await seedPersons(t.hub.sources, srcs, 120, 3);
    // the first request of a process reads the end of the audit chain once; later ones only append
    await t.gql('{ hubInfo { version } }');
  });
  afterAll(async () => { await t.close(); });

  async function commandsFor(query: string, variables: Record<string, unknown>): Promise<string[]> {
    t.resetCommands();
    const { body } = await t.gql(query, variables);
    expect(body.errors).toBeUndefined();
    return t.commands.map((c) => `${c.commandName} ${String((c.command as any)[c.commandName])}`).sort();
  }

  it('serves a dossier of 10 and of 100 persons with one query per collection', async () => {
    const ten = await commandsFor(DOSSIERS, { ids: ids.slice(0, 10) });
    const hundred = await commandsFor(DOSSIERS, { ids: ids.slice(0, 100) });
    // persons are derived from their records: the four record finds, and the audit entry, are all there is
    const expected = ['find community_corrections', 'find detention_records', 'find enforcement_cases', 'find prison_records', 'insert audit_log'];
    expect(ten).toEqual(expected);
    expect(hundred).toEqual(expected);
  });

  it('serves a list page of 10 and of 100 records with their persons in the same number of queries', async () => {
    const ten = await commandsFor(LIST, { first: 10 });
    const hundred = await commandsFor(LIST, { first: 100 });
    // the page, then every listed person's custodies for `person { detentions }`, in one batch
    expect(ten).toEqual(['find detention_records', 'find detention_records', 'insert audit_log']);
    expect(hundred).toEqual(ten);
  });
});
