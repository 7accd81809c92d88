/**
 * Projections from the selection set (datasources/store/projection.ts): what a document selects on record
 * types reaches the store as a projection, and what is selected comes back.
 */
import { parse } from 'graphql';
import { buildHubSchema } from '../server/app';
import { recordProjections } from '../datasources/store/projection';
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const schema = buildHubSchema();

describe('recordProjections', () => {
  it('takes the fields selected on each record type, through fragments and the Record interface', () => {
    const p = recordProjections(
      schema,
      parse(`
      query($id: IdNumber!) { person(idNumber: $id) {
        detentions { edges { node { ...D } } }
        imprisonments { edges { node { crime } } }
      } }
      fragment D on DetentionRecord { stage extractions { at } ... on Record { recordedAt source { name } } }`),
    );
    expect(Object.keys(p.DETENTION!).sort()).toEqual([
      '_id',
      'eventAt',
      'externalId',
      'extractions',
      'facility',
      'idNumber',
      'name',
      'recordedAt',
      'region',
      'sourceId',
      'stage',
      'updatedAt',
    ]);
    expect(p.PRISON).toMatchObject({ crime: 1, prison: 1, recordedAt: 1 });
    expect(p.PRISON!.stage).toBeUndefined();
    // nothing selected on a type: what the hub itself reads (identity, person, jurisdiction, source, type)
    expect(Object.keys(p.ENFORCEMENT_CASE!).sort()).toEqual([
      '_id',
      'agency',
      'eventAt',
      'externalId',
      'idNumber',
      'name',
      'recordedAt',
      'region',
      'sourceId',
      'updatedAt',
    ]);
  });
});

describe('projections on the store', () => {
  let t: TestHub;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestHub();
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 5, 2);
  });
  afterAll(async () => {
    await t.close();
  });

  it('asks the store only for what the dossier shows, and shows it', async () => {
    t.resetCommands();
    const { body } = await t.gql(
      'query($id: IdNumber!) { person(idNumber: $id) { name detentions { edges { node { stage facility { name } } } } } }',
      { id: ids[0] },
    );
    expect(body.errors).toBeUndefined();
    const node = body.data.person.detentions.edges[0].node;
    expect(node.stage).toEqual(expect.any(String));
    expect(node.facility.name).toEqual(expect.any(String));
    const find = t.commands.find((c) => c.commandName === 'find' && (c.command as any).find === 'detention_records');
    expect((find!.command as any).projection).toMatchObject({ stage: 1, facility: 1, idNumber: 1 });
    expect((find!.command as any).projection.extractions).toBeUndefined();
  });
});
