/**
 * Supervision leads over the real store and HTTP: evaluation finds exactly what the synthetic data
 * planted, re-runs create no duplicates, corrected data resolves leads, the workflow keeps its history,
 * parameters changed by an administrator take effect, and live sources take part.
 */
import { seed } from '../datasources/seed';
import { ABANDONED, EvaluationBusyError, EvaluationStoppedError, Evaluator } from '../datasources/services/evaluation';
import { syntheticReport } from '../domain/synthetic';
import { RULE_IDS } from '../domain/rules';
import { correctionInput, personId, prisonInput, registerTestSources } from './fixtures';
import { startDepartment, type Department } from './departments';
import { startTestHub, type TestHub } from './helpers';

const EVALUATE = `mutation($rules: [ID!]) { evaluateRules(rules: $rules) { runId persons records findings newLeads stillOpen reopened resolvedByData unavailableSources durationMs } }`;
const LEADS = `query($filter: LeadFilter, $first: Int, $after: String) { supervisionLeads(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id rule { id title } severity explanation explanationEn status resolvedByData region { code }
    person { idNumber name } records { id domain externalId source { id } } history { actor status note } } } } }`;
const STATUS = `mutation($id: ID!, $status: LeadStatus!, $note: String!) { updateLeadStatus(id: $id, status: $status, note: $note) { id status history { actor status note } } }`;

const today = new Date();
const PERSONS = 400;

async function countsByRule(t: TestHub): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const rule of RULE_IDS) {
    const { body } = await t.gql(LEADS, { filter: { rules: [rule], status: ['NEW', 'ACKNOWLEDGED'] }, first: 0 });
    expect(body.errors).toBeUndefined();
    out[rule] = body.data.supervisionLeads.totalCount;
  }
  return out;
}

describe('supervision leads on the synthetic data set', () => {
  let t: TestHub;
  const planted = syntheticReport({ persons: PERSONS, seed: 3, today }).planted;
  const plantedTotal = Object.values(planted).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    t = await startTestHub();
    await seed(t.hub.sources, { persons: PERSONS, seed: 3, today });
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('finds exactly the irregularities the seed planted, rule by rule', async () => {
    const { body } = await t.gql(EVALUATE, {});
    expect(body.errors).toBeUndefined();
    const r = body.data.evaluateRules;
    expect(r.persons).toBe(PERSONS);
    expect(r.newLeads).toBe(plantedTotal);
    expect(r.findings).toBe(plantedTotal);
    expect(await countsByRule(t)).toEqual(planted);
  }, 60_000);

  it('creates no duplicate leads when evaluated again', async () => {
    const { body } = await t.gql(EVALUATE, {});
    expect(body.data.evaluateRules).toMatchObject({ newLeads: 0, stillOpen: plantedTotal, resolvedByData: 0, reopened: 0 });
    const { body: all } = await t.gql(LEADS, { first: 0 });
    expect(all.data.supervisionLeads.totalCount).toBe(plantedTotal);
  }, 60_000);

  it('explains each lead with its numbers in Chinese and English and names its records', async () => {
    const { body } = await t.gql(LEADS, { filter: { rules: ['PRISON_NOT_RELEASED'] }, first: 1 });
    const lead = body.data.supervisionLeads.edges[0].node;
    expect(lead.explanation).toMatch(/^原判 \d+ 个月，折抵羁押 \d+ 天，减刑 0 个月，应于 \d{4}-\d\d-\d\d 刑满释放，已超过 \d+ 天仍在服刑$/);
    expect(lead.explanationEn).toMatch(/due for release on \d{4}-\d\d-\d\d, still serving \d+ days later$/);
    expect(lead.severity).toBe('CRITICAL');
    expect(lead.records).toHaveLength(1);
    expect(lead.records[0].domain).toBe('PRISON');
    expect(lead.history).toEqual([{ actor: 'hub:evaluation', status: 'NEW', note: 'found by evaluation' }]);
  });

  it('resolves a lead by the data when the department corrects its record, and keeps it', async () => {
    const { body } = await t.gql(LEADS, { filter: { rules: ['PRISON_NOT_RELEASED'] }, first: 1 });
    const lead = body.data.supervisionLeads.edges[0].node;
    const source = t.hub.sources.registry.get(lead.records[0].source.id)!;
    const stored = await t.hub.sources.models.records.PRISON.collection.findOne({
      sourceId: source._id,
      externalId: lead.records[0].externalId,
    });
    const { _id, sourceId, regionPath, recordedAt, firstSeenAt, pushId, eventMonth, eventDay, eventHour, ...record } = stored as any;
    const now = new Date();
    const corrected = {
      ...record,
      status: 'RELEASED',
      releasedAt: now.toISOString(),
      eventAt: now.toISOString(),
      updatedAt: now.toISOString(),
      admittedAt: record.admittedAt.toISOString(),
    };
    const pushed = await t.hub.sources.ingestor.ingest(source, [corrected]);
    expect(pushed.accepted).toBe(1);
    const { body: run } = await t.gql(EVALUATE, { rules: ['PRISON_NOT_RELEASED'] });
    expect(run.data.evaluateRules).toMatchObject({ newLeads: 0, resolvedByData: 1, stillOpen: planted.PRISON_NOT_RELEASED - 1 });
    const { body: after } = await t.gql(LEADS, { filter: { rules: ['PRISON_NOT_RELEASED'], status: ['RESOLVED'] }, first: 5 });
    const resolved = after.data.supervisionLeads.edges.map((e: any) => e.node);
    expect(resolved.map((l: any) => l.id)).toEqual([lead.id]);
    expect(resolved[0].resolvedByData).toBe(true);
    expect(resolved[0].history.at(-1)).toEqual({ actor: 'hub:evaluation', status: 'RESOLVED', note: 'no longer found in the data' });
  }, 60_000);

  it('moves a lead through the workflow with notes, refusing steps the workflow does not allow', async () => {
    const { body } = await t.gql(LEADS, { filter: { rules: ['ENF_NOT_TRANSFERRED'], status: ['NEW'] }, first: 1 });
    const id = body.data.supervisionLeads.edges[0].node.id;
    const skip = await t.gql(STATUS, { id, status: 'RESOLVED', note: '已发检察建议' });
    expect(skip.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(skip.body.errors[0].message).toBe('status: a NEW lead can only become ACKNOWLEDGED, not RESOLVED');
    const empty = await t.gql(STATUS, { id, status: 'ACKNOWLEDGED', note: '  ' });
    expect(empty.body.errors[0].extensions.field).toBe('note');
    const ack = await t.gql(STATUS, { id, status: 'ACKNOWLEDGED', note: '已受理，调阅案卷' });
    expect(ack.body.errors).toBeUndefined();
    const done = await t.gql(STATUS, { id, status: 'DISMISSED', note: '已移送，平台数据未同步' });
    expect(done.body.data.updateLeadStatus.history).toEqual([
      { actor: 'hub:evaluation', status: 'NEW', note: 'found by evaluation' },
      { actor: 'test-procurator', status: 'ACKNOWLEDGED', note: '已受理，调阅案卷' },
      { actor: 'test-procurator', status: 'DISMISSED', note: '已移送，平台数据未同步' },
    ]);
    const again = await t.gql(STATUS, { id, status: 'ACKNOWLEDGED', note: 'x' });
    expect(again.body.errors[0].message).toBe('status: a DISMISSED lead is reopened with reopenLead and a reason, not updateLeadStatus');
    const resolve = await t.gql(STATUS, { id, status: 'RESOLVED', note: 'x' });
    expect(resolve.body.errors[0].message).toBe('status: a DISMISSED lead is reopened with reopenLead and a reason, not updateLeadStatus');
    // A dismissed finding found again stays dismissed.
    await t.gql(EVALUATE, { rules: ['ENF_NOT_TRANSFERRED'] });
    const { body: still } = await t.gql(LEADS, { filter: { rules: ['ENF_NOT_TRANSFERRED'], status: ['DISMISSED'] }, first: 5 });
    expect(still.data.supervisionLeads.totalCount).toBe(1);
  }, 60_000);

  it("shows a person their leads, and leads only within the caller's jurisdiction, masked for analysts", async () => {
    const { body } = await t.gql(LEADS, { filter: { rules: ['CORR_ABSCONDED'] }, first: 1 });
    const lead = body.data.supervisionLeads.edges[0].node;
    const { body: p } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { leads { id rule { id } } } }', {
      id: lead.person.idNumber,
    });
    expect(p.data.person.leads.map((l: any) => l.id)).toContain(lead.id);
    const region = lead.region.code;
    const procurator = `Bearer ${await t.token({ role: 'PROCURATOR', regions: [region] })}`;
    const { body: local } = await t.gql(LEADS, { first: 500 }, { authorization: procurator, 'x-purpose': 'T-1' });
    const regions = new Set(local.data.supervisionLeads.edges.map((e: any) => e.node.region.code));
    expect([...regions]).toEqual([region]);
    const { body: all } = await t.gql(LEADS, { first: 500 });
    expect(local.data.supervisionLeads.totalCount).toBe(
      all.data.supervisionLeads.edges.filter((e: any) => e.node.region.code === region).length,
    );
    const analyst = `Bearer ${await t.token({ role: 'ANALYST' })}`;
    const { body: masked } = await t.gql(LEADS, { filter: { idNumber: lead.person.idNumber }, first: 5 }, { authorization: analyst });
    expect(masked.data.supervisionLeads.edges[0].node.person.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const department = `Bearer ${await t.token({ role: 'DEPARTMENT', org: 'D-1' })}`;
    const { body: refused } = await t.gql(LEADS, { first: 5 }, { authorization: department });
    expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it("applies an administrator's parameter change, keeps it with its reason, and refuses bad parameters", async () => {
    const CHANGE = `mutation($id: ID!, $p: JSON!, $note: String!) { updateSupervisionRule(id: $id, parameters: $p, note: $note) { id parameters changes { actor change note } } }`;
    const bad = await t.admin(CHANGE, { id: 'DATA_LATE_ENTRY', p: { days: 'ten', weeks: 1 }, note: 'x' });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors[0].message).toMatch(/parameters\.weeks: not a parameter of DATA_LATE_ENTRY/);
    const refused = await t.gql(CHANGE, { id: 'DATA_LATE_ENTRY', p: { days: 100 }, note: 'x' });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const ok = await t.admin(CHANGE, { id: 'DATA_LATE_ENTRY', p: { days: 100 }, note: '本地规定：100 个工作日' });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.updateSupervisionRule.parameters).toEqual({ days: 100, unit: 'WORKING_DAYS', holidays: [], workdays: [] });
    expect(ok.body.data.updateSupervisionRule.changes).toEqual([
      { actor: 'test-admin', change: { days: 100 }, note: '本地规定：100 个工作日' },
    ]);
    const { body } = await t.gql(EVALUATE, { rules: ['DATA_LATE_ENTRY'] });
    expect(body.data.evaluateRules).toMatchObject({ resolvedByData: planted.DATA_LATE_ENTRY, stillOpen: 0, newLeads: 0 });
    const back = await t.admin(CHANGE, { id: 'DATA_LATE_ENTRY', p: { days: 7 }, note: '恢复默认' });
    expect(back.body.data.updateSupervisionRule.changes).toHaveLength(2);
    const { body: reopened } = await t.gql(EVALUATE, { rules: ['DATA_LATE_ENTRY'] });
    expect(reopened.data.evaluateRules).toMatchObject({ reopened: planted.DATA_LATE_ENTRY, newLeads: 0 });
  }, 60_000);

  it('finds the same leads when persons are evaluated in several chunks spilled to disk', async () => {
    const open = (await t.gql(LEADS, { filter: { status: ['NEW', 'ACKNOWLEDGED'] }, first: 0 })).body.data.supervisionLeads.totalCount;
    const s = t.hub.sources;
    const chunked = new Evaluator({
      connection: t.connection,
      models: s.models,
      leads: s.leads,
      registry: s.registry,
      connectors: s.connectors,
      claims: s.claims,
      chunkRecords: 150,
    });
    const progress: number[] = [];
    const report = await chunked.evaluate({ actor: 'test', trigger: 'manual', onProgress: (p) => progress.push(p.chunks) });
    expect(progress[0]).toBeGreaterThanOrEqual(4);
    expect(report).toMatchObject({ persons: PERSONS, newLeads: 0, resolvedByData: 0, reopened: 0, stillOpen: open });
  }, 60_000);

  it('lists the rules with legal basis and parameters, and the runs with their progress', async () => {
    const { body } = await t.gql(
      '{ supervisionRules { id title titleEn legalBasis domains severity parameters } evaluationRuns(first: 2) { status trigger persons records totalRecords report { persons } peakRssMiB } }',
    );
    expect(body.data.supervisionRules.map((r: any) => r.id)).toEqual(RULE_IDS);
    const overdue = body.data.supervisionRules[0];
    expect(overdue).toMatchObject({ title: '超期羁押', domains: ['DETENTION'], severity: 'HIGH' });
    expect(overdue.legalBasis).toMatch(/刑事诉讼法/);
    expect(overdue.parameters.prosecutionReviewExtraDays).toBe(15);
    expect(body.data.evaluationRuns[0]).toMatchObject({ status: 'DONE', trigger: 'manual', persons: PERSONS });
    expect(body.data.evaluationRuns[0].records).toBe(body.data.evaluationRuns[0].totalRecords);
    expect(body.data.evaluationRuns[0].peakRssMiB).toBeGreaterThan(10);
  });
});

describe('supervision leads on clean data and with live sources', () => {
  let t: TestHub;
  let d: Department | undefined;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await d?.close();
    await t.close();
  });

  it('finds nothing on a clean synthetic data set', async () => {
    await seed(t.hub.sources, { persons: 400, seed: 9, today, plant: false });
    const { body } = await t.gql(EVALUATE, {});
    expect(body.data.evaluateRules).toMatchObject({ persons: 400, findings: 0, newLeads: 0 });
  }, 120_000);

  it('ends a run at shutdown as FAILED with its lease given back, and marks a run whose process died as abandoned', async () => {
    const s = t.hub.sources;
    const replica = () =>
      new Evaluator({
        connection: t.connection,
        models: s.models,
        leads: s.leads,
        registry: s.registry,
        connectors: s.connectors,
        claims: s.claims,
        chunkRecords: 150,
      });
    // a replica shutting down while it evaluates: the run ends at its next step, recorded
    const stopping = replica();
    const run = stopping.evaluate({ actor: 'test', trigger: 'manual' });
    await stopping.stop('the hub is shutting down');
    await expect(run).rejects.toThrow(EvaluationStoppedError);
    const [stopped] = await stopping.runs(1);
    expect(stopped).toMatchObject({ status: 'FAILED', error: 'stopped: the hub is shutting down' });
    await expect(stopping.evaluate({ actor: 'test', trigger: 'manual' })).rejects.toThrow(EvaluationBusyError);
    // a run left RUNNING by a process that was killed; the next run, on another replica, starts at once
    // (the stopped one gave its lease back: it would otherwise hold it for 2 minutes) and marks it
    await s.evaluator.Run.collection.insertOne({
      _id: 'killed-run',
      trigger: 'schedule',
      actor: 'test',
      rules: null,
      status: 'RUNNING',
      startedAt: new Date(Date.now() - 60_000),
      progress: { persons: 0, records: 10, totalRecords: 400, chunk: 0, chunks: 1 },
    } as never);
    const report = await replica().evaluate({ actor: 'test', trigger: 'manual' });
    expect(report.persons).toBe(400);
    expect(await s.evaluator.Run.findById('killed-run').lean()).toMatchObject({ status: 'FAILED', error: ABANDONED });
    expect(await s.evaluator.Run.countDocuments({ status: 'RUNNING' })).toBe(0);
  }, 120_000);

  it('runs the cross-domain rules over a live source, and leaves its leads alone while it is down', async () => {
    const id = personId(77, '500106');
    const parole = prisonInput(id, 1, {
      region: '500106',
      externalId: 'JY-LIVE-77',
      status: 'PAROLED',
      eventAt: '2025-01-11T09:00:00+08:00',
      parole: { decidedAt: '2025-01-10', probationEnd: '2030-01-09' },
      releasedAt: '2025-01-11T09:00:00+08:00',
    });
    d = await startDepartment({ records: [parole] });
    const { body: reg } = await t.admin(
      `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } } }`,
      {
        input: {
          name: '渝州监狱系统',
          department: { code: 'JY-LIVE', name: '重庆市渝州监狱' },
          domain: 'PRISON',
          kind: 'REST',
          regions: ['50'],
          endpoint: d.url,
        },
      },
    );
    const sourceId = reg.data.registerDataSource.dataSource.id;
    const first = await t.gql(EVALUATE, {});
    expect(first.body.data.evaluateRules).toMatchObject({ newLeads: 1, findings: 1 });
    const { body } = await t.gql(LEADS, { filter: { idNumber: id }, first: 5 });
    const lead = body.data.supervisionLeads.edges[0].node;
    expect(lead.rule.id).toBe('CORR_MISSING_AFTER_PAROLE');
    expect(lead.records[0].source.id).toBe(sourceId);

    d.setMode('fail500');
    const down = await t.gql(EVALUATE, {});
    expect(down.body.data.evaluateRules).toMatchObject({ unavailableSources: [sourceId], resolvedByData: 0, newLeads: 0 });

    d.setMode('healthy');
    const srcs = await registerTestSources(t.hub.sources);
    const corr = correctionInput(id, 1, {
      region: '500106',
      correctionType: 'PAROLE',
      judgmentEffectiveAt: '2025-01-10',
      startDate: '2025-01-12',
      endDate: '2030-01-09',
      reportedAt: '2025-01-13T09:00:00+08:00',
      eventAt: new Date().toISOString(),
      lastCheckInAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    expect((await t.hub.sources.ingestor.ingest(srcs.COMMUNITY_CORRECTION, [corr])).accepted).toBe(1);
    const fixed = await t.gql(EVALUATE, {});
    expect(fixed.body.data.evaluateRules).toMatchObject({ resolvedByData: 1, newLeads: 0, unavailableSources: [] });
  }, 120_000);
});
