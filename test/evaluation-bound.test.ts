/**
 * The evaluation's memory bound holds by what is read, not by what the last run counted: a store that
 * grew twentyfold since then is still evaluated in chunks of at most `chunkRecords` records, or one
 * person's records where a single person has more.
 */
import { Evaluator, type EvaluationProgress } from '../datasources/services/evaluation';
import { detentionInput, personId, prisonInput, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const EVALUATE = 'mutation { evaluateRules { persons records findings newLeads stillOpen } }';
const BOUND = 50;
/** records of the one person who alone has more than the bound */
const BIG = 60;

describe('evaluation memory bound', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps every chunk within the bound when the store grew since the last run', async () => {
    const srcs = await registerTestSources(t.hub.sources);
    const pair = (n: number) => {
      const id = personId(n, '500103');
      return [detentionInput(id, n, { region: '500103' }), prisonInput(id, n, { region: '500103' })];
    };
    const ingest = async (from: number, to: number) => {
      const ps = Array.from({ length: to - from }, (_, i) => pair(from + i));
      expect(
        (
          await t.hub.sources.ingestor.ingest(
            srcs.DETENTION,
            ps.map((p) => p[0]),
          )
        ).accepted,
      ).toBe(to - from);
      expect(
        (
          await t.hub.sources.ingestor.ingest(
            srcs.PRISON,
            ps.map((p) => p[1]),
          )
        ).accepted,
      ).toBe(to - from);
    };
    // the last run saw 20 records: one chunk at this bound
    await ingest(0, 10);
    const small = await t.gql(EVALUATE);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data.evaluateRules).toMatchObject({ persons: 10, records: 20 });

    // now 420 records of 210 persons (2 each), and one person with 60 detention records
    await ingest(10, 210);
    const big = personId(700, '500103');
    const many = Array.from({ length: BIG }, (_, i) => detentionInput(big, 1000 + i, { region: '500103', externalId: `BIG-${i}` }));
    expect((await t.hub.sources.ingestor.ingest(srcs.DETENTION, many)).accepted).toBe(BIG);

    const s = t.hub.sources;
    const bounded = new Evaluator({
      connection: t.connection,
      models: s.models,
      leads: s.leads,
      registry: s.registry,
      connectors: s.connectors,
      claims: s.claims,
      chunkRecords: BOUND,
    });
    const steps: EvaluationProgress[] = [];
    const report = await bounded.evaluate({ actor: 'test', trigger: 'manual', onProgress: (p) => steps.push({ ...p }) });
    expect(report).toMatchObject({ persons: 211, records: 420 + BIG });

    // persons evaluated per chunk: two records each, so at most BOUND / 2 of them, or the one big person alone
    const perChunk: number[] = [];
    for (let i = 1; i < steps.length; i++) if (steps[i].chunk > steps[i - 1].chunk) perChunk.push(steps[i].persons - steps[i - 1].persons);
    expect(perChunk.length).toBeGreaterThanOrEqual(Math.ceil((420 + BIG) / BOUND));
    expect(perChunk.reduce((a, b) => a + b, 0)).toBe(211);
    for (const n of perChunk) expect(n).toBeLessThanOrEqual(BOUND / 2);
    // and as the run reports it: the most records held at once is the big person's
    expect(steps[steps.length - 1].largestChunk).toBe(BIG);

    // the same findings as one chunk in memory (the hub's own evaluator, bound 250,000)
    const whole = await t.gql(EVALUATE);
    expect(whole.body.data.evaluateRules).toMatchObject({ persons: 211, records: 420 + BIG, findings: report.findings, newLeads: 0 });
  }, 120_000);
});
