/**
 * Wake-ups over the real store and HTTP, with the hub's clock moved by the test: every evaluation of a
 * person records the day its findings next change, and on that day the hub evaluates the person again
 * with no push and no full run. A day with nobody due writes no lead; a lead's day counts are computed
 * for the day it is read while the stored lead stays as it was; a hub stopped mid wake-up leaves the
 * entries for the next.
 */
import { randomBytes } from 'node:crypto';
import { beijingDay, beijingMidnight, DAY_MS } from '../domain/calendar';
import { detentionInput, personId } from './fixtures';
import { startDepartment, type Department } from './departments';
import { pushLines, registerCustodySource, startTestHub, type TestHub, type TestSource, until } from './helpers';

const LEADS = `query($filter: LeadFilter) { supervisionLeads(filter: $filter, first: 50) {
  edges { node { id severity explanation explanationEn numbers status updatedAt } } } }`;

type Lead = { id: string; severity: string; explanation: string; explanationEn: string; numbers: Record<string, unknown>; status: string };

/** The hub's clock: the wall clock moved on by whole days. */
const clock = { days: 0, now: () => Date.now() + clock.days * DAY_MS };
/** The real Beijing day the tests start on: records are dated from it, in the past. */
const DAY0 = beijingDay(Date.now());
/** 09:00 in Beijing on a day. */
const nine = (day: number) => new Date(beijingMidnight(day).getTime() + 9 * 3_600_000).toISOString();

/**
 * Criminal detention begun two days ago: its 3-day limit ends tomorrow (DAY0 + 1), so it is lawful
 * today and overdue from DAY0 + 2 (DET_OVERDUE_STAGE), with no other finding.
 */
const custody = (idNumber: string, n: number) =>
  detentionInput(idNumber, n, {
    stage: 'CRIMINAL_DETENTION',
    eventAt: nine(DAY0 - 2),
    updatedAt: nine(DAY0 - 2),
    admittedAt: nine(DAY0 - 2),
    stageStartedAt: nine(DAY0 - 2),
  });

async function overdueLeads(t: TestHub, idNumber: string): Promise<Lead[]> {
  const { body } = await t.gql(LEADS, { filter: { idNumber, rules: ['DET_OVERDUE_STAGE'] } });
  expect(body.errors).toBeUndefined();
  return body.data.supervisionLeads.edges.map((e: { node: Lead }) => e.node);
}

const entriesOf = (t: TestHub, idNumber: string) =>
  t.connection.db!.collection('evaluation_wakeups').find({ idNumber }).sort({ day: 1 }).toArray();
const wakeUpRuns = (t: TestHub) => t.connection.db!.collection('evaluation_runs').find({ trigger: 'wake-up' }).toArray();
const storedLeads = (t: TestHub) => t.connection.db!.collection('supervision_leads').find({}).sort({ key: 1 }).toArray();

/** The store commands that write leads (or claim a lead's next version). */
const leadWrites = (t: TestHub) =>
  t.commands.filter(
    (c) =>
      ['insert', 'update', 'delete', 'findAndModify'].includes(c.commandName) &&
      (c.command[c.commandName] === 'supervision_leads' ||
        (c.command[c.commandName] === 'write_claims' && JSON.stringify(c.command).includes('supervision_leads'))),
  );

describe('wake-ups on one hub, the clock moved by days', () => {
  let t: TestHub;
  let source: TestSource;
  const id = personId(301);

  beforeAll(async () => {
    clock.days = 0;
    t = await startTestHub({ incrementalEvaluationMs: 200, clock: clock.now });
    source = await registerCustodySource(t);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('records the day a pushed person next changes, and raises the due lead on that day with no push', async () => {
    expect((await (await pushLines(t, source, [JSON.stringify(custody(id, 301))])).json()).accepted).toBe(1);
    // the push's batch evaluated the person: lawful today, the change the day after the deadline
    const [entry] = await until('the wake-up entry', async () => (await entriesOf(t, id)).length > 0 && entriesOf(t, id));
    expect(entry).toMatchObject({ _id: `${DAY0 + 2}:${id}`, day: DAY0 + 2, idNumber: id });
    expect(await overdueLeads(t, id)).toEqual([]);
    // a day later (the deadline): still lawful, nothing due, no lead
    clock.days = 1;
    await until('the wake-up of the next day', async () => (await wakeUpRuns(t)).some((r) => r.through === DAY0 + 1));
    expect(await overdueLeads(t, id)).toEqual([]);
    // two days later: the wake-up evaluates the person, and the lead is there, over HTTP
    clock.days = 2;
    const [lead] = await until('the overdue lead', async () => (await overdueLeads(t, id)).length > 0 && overdueLeads(t, id));
    expect(lead).toMatchObject({ severity: 'HIGH', status: 'NEW', numbers: { daysOver: 1, daysInStage: 4 } });
    expect(lead.explanation).toMatch(
      /^刑事拘留阶段在押 4 天（自 \d{4}-\d\d-\d\d 起），刑事拘留期限 3 日（至 \d{4}-\d\d-\d\d），已超期 1 天$/,
    );
    expect(lead.explanationEn).toMatch(/; 1 days over$/);
    // the run is recorded, for measuring; the entry handled is gone, and the next (the 31st day over) recorded
    const run = await until('the wake-up run', async () => (await wakeUpRuns(t)).find((r) => r.through === DAY0 + 2));
    expect(run).toMatchObject({ status: 'DONE', report: { persons: 1, newLeads: 1, changed: 0 } });
    const entries = await until('the next entry', async () => {
      const e = await entriesOf(t, id);
      return e.length === 1 && e[0].day !== DAY0 + 2 && e;
    });
    expect(entries.map((e) => e.day)).toEqual([DAY0 + 1 + 31]);
  }, 60_000);

  it('reads the day counts for the reading day while the stored lead stays as it was', async () => {
    const before = await t.connection.db!.collection('supervision_leads').findOne({ idNumber: id });
    expect(before!.explanation).not.toMatch(/\d+ 天/);
    expect(before!.numbers).not.toHaveProperty('daysOver');
    const [today] = await overdueLeads(t, id);
    clock.days = 5;
    const [later] = await overdueLeads(t, id);
    expect(today.numbers).toMatchObject({ daysOver: 1 });
    expect(later.numbers).toMatchObject({ daysOver: 4, daysInStage: 7 });
    expect(later.explanation).toMatch(/已超期 4 天$/);
    expect(later.explanation).not.toBe(today.explanation);
    // a full run that day finds the finding again and rewrites nothing
    const { body } = await t.admin(`mutation { evaluateRules { stillOpen changed newLeads } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.evaluateRules).toMatchObject({ changed: 0, newLeads: 0 });
    const after = await t.connection.db!.collection('supervision_leads').findOne({ idNumber: id });
    expect(after).toEqual(before);
  }, 60_000);

  it('writes no lead on a day with no due persons and no pushes, nor for a stale entry', async () => {
    // other open leads beside: custody long overdue, and nothing of theirs due in the days ahead
    const others = [personId(311), personId(312)];
    const long = others.map((p, i) => detentionInput(p, 311 + i, { stage: 'INVESTIGATION' }));
    expect(
      (
        await (
          await pushLines(
            t,
            source,
            long.map((r) => JSON.stringify(r)),
          )
        ).json()
      ).accepted,
    ).toBe(2);
    for (const p of others) await until(`the lead of ${p}`, async () => (await overdueLeads(t, p)).length > 0);
    await until('the marks taken', async () => (await t.connection.db!.collection('evaluation_marks').countDocuments()) === 0);
    const entries = await t.connection.db!.collection('evaluation_wakeups').find({}).toArray();
    const next = Math.min(...entries.map((e) => e.day as number));
    const day = DAY0 + clock.days + 1;
    expect(next).toBeGreaterThan(day);
    const leads = await storedLeads(t);
    expect(leads.length).toBeGreaterThanOrEqual(3);
    t.resetCommands();
    clock.days += 1;
    await until('the wake-up of the day', async () => (await wakeUpRuns(t)).some((r) => r.through === day));
    const run = (await wakeUpRuns(t)).find((r) => r.through === day)!;
    expect(run.report).toMatchObject({ persons: 0, newLeads: 0, changed: 0, resolvedByData: 0 });
    expect(leadWrites(t)).toEqual([]);
    expect(await storedLeads(t)).toEqual(leads);
    // the next day a stale entry (the person's next change moved) wakes a person whose leads are as stored: nothing written
    const stale = { _id: `${day + 1}:${others[0]}`, day: day + 1, idNumber: others[0], at: new Date() };
    await t.connection.db!.collection('evaluation_wakeups').insertOne(stale as never);
    t.resetCommands();
    clock.days += 1;
    const woken = await until('the wake-up of the stale entry', async () => (await wakeUpRuns(t)).find((r) => r.through === day + 1));
    expect(woken.report).toMatchObject({ persons: 1, newLeads: 0, changed: 0, resolvedByData: 0 });
    expect(woken.report.stillOpen).toBe(woken.report.findings);
    expect(woken.report.findings).toBeGreaterThanOrEqual(1);
    expect(leadWrites(t)).toEqual([]);
    expect(await storedLeads(t)).toEqual(leads);
  }, 60_000);
});

describe('a hub stopped mid wake-up', () => {
  const dbName = `t_${randomBytes(5).toString('hex')}`;
  let department: Department | undefined;
  const hubs: TestHub[] = [];

  afterAll(async () => {
    await department?.close();
    await hubs.at(-1)?.close();
  });

  it('leaves the entries of the persons it had not reconciled for the next wake-up, which raises the lead', async () => {
    clock.days = 0;
    // a live custody system: the wake-up reads the person from it, and it stops answering
    department = await startDepartment({ records: [] });
    const a = await startTestHub({ dbName, incrementalEvaluationMs: 200, evaluationLeaseMs: 3000, clock: clock.now });
    hubs.push(a);
    const { body: reg } = await a.admin(
      `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } } }`,
      {
        input: {
          name: '万州区看守所（在线）',
          department: { code: 'KSS-500101-LIVE', name: '万州区看守所' },
          domain: 'DETENTION',
          kind: 'REST',
          regions: ['50'],
          endpoint: department.url,
          timeoutMs: 30_000,
        },
      },
    );
    expect(reg.errors).toBeUndefined();
    const source = await registerCustodySource(a);
    const id = personId(321);
    expect((await (await pushLines(a, source, [JSON.stringify(custody(id, 321))])).json()).accepted).toBe(1);
    await until('the wake-up entry', async () => (await entriesOf(a, id)).length > 0);
    await until('the first wake-up of the hub', async () => (await wakeUpRuns(a)).some((r) => r.through === DAY0));
    department.setMode('hanging');
    const asked = department.requests.length;
    clock.days = 2;
    // the wake-up took the person and asks the hanging department for the records
    await until('the wake-up asking the live source', async () => department!.requests.slice(asked).some((r) => r.path === '/records'));
    await new Promise<void>((resolve) => a.server.close(() => resolve()));
    a.server.closeAllConnections?.();
    await a.hub.stop();
    // stopped before it reconciled: the entry is there, no lead, no wake-up recorded for the day
    expect((await entriesOf(a, id)).map((e) => e.day)).toEqual([DAY0 + 2]);
    expect(await a.connection.db!.collection('supervision_leads').countDocuments({ idNumber: id })).toBe(0);
    expect((await wakeUpRuns(a)).some((r) => r.through === DAY0 + 2)).toBe(false);
    await a.connection.close();
    hubs.pop();
    department.setMode('healthy');
    const b = await startTestHub({ dbName, incrementalEvaluationMs: 200, evaluationLeaseMs: 3000, clock: clock.now });
    hubs.push(b);
    const [lead] = await until(
      'the lead raised by the next wake-up',
      async () => (await overdueLeads(b, id)).length > 0 && overdueLeads(b, id),
    );
    expect(lead).toMatchObject({ status: 'NEW', numbers: { daysOver: 1 } });
    await until('the entry handled', async () => !(await entriesOf(b, id)).some((e) => e.day === DAY0 + 2));
  }, 90_000);
});

describe('the full run after a change of rule parameters', () => {
  let t: TestHub;

  beforeAll(async () => {
    clock.days = 0;
    t = await startTestHub({ incrementalEvaluationMs: 200, evaluationAfterChangeMs: 300 });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('follows an administrator changing a limit, and resolves the leads the new limit no longer finds', async () => {
    const source = await registerCustodySource(t);
    const id = personId(331);
    // investigation custody since 2024: overdue at 2 months, lawful at 36
    expect((await (await pushLines(t, source, [JSON.stringify(detentionInput(id, 331))])).json()).accepted).toBe(1);
    const [lead] = await until('the overdue lead', async () => (await overdueLeads(t, id)).length > 0 && overdueLeads(t, id));
    expect(lead.status).toBe('NEW');
    const { body } = await t.admin(
      `mutation($p: JSON!) { updateSupervisionRule(id: "DET_OVERDUE_STAGE", parameters: $p, note: "测试：侦查羁押 36 个月") { id } }`,
      { p: { investigationMonths: 36 } },
    );
    expect(body.errors).toBeUndefined();
    const run = await until('the full run after the change', async () =>
      t.connection.db!.collection('evaluation_runs').findOne({ trigger: 'parameters', status: 'DONE' }),
    );
    expect(run).toMatchObject({ actor: 'test-admin', rules: null });
    const [after] = await overdueLeads(t, id);
    expect(after).toMatchObject({ id: lead.id, status: 'RESOLVED' });
  }, 60_000);
});

describe('wake-ups after the clock was set back', () => {
  it('does not let a wake-up recorded through a later day hide the days before it', async () => {
    // no timer of its own: the wake-up below is the only one
    const t = await startTestHub();
    try {
      const source = await registerCustodySource(t);
      const id = personId(321);
      expect((await (await pushLines(t, source, [JSON.stringify(custody(id, 321))])).json()).accepted).toBe(1);
      const today = beijingDay(Date.now());
      const db = t.connection.db!;
      // a wake-up once ran with the hub's clock five days ahead; today's entry is still waiting
      await db
        .collection<{ _id: string }>('evaluation_runs')
        .insertOne({ _id: 'clock-ahead', trigger: 'wake-up', status: 'DONE', through: today + 5, startedAt: new Date() } as never);
      await db
        .collection<{ _id: string }>('evaluation_wakeups')
        .insertOne({ _id: `${today}:${id}`, day: today, idNumber: id, at: new Date() } as never);
      const report = await t.hub.sources.evaluator.incremental({ records: t.hub.sources.records, clock: Date.now }).wakeUp();
      expect(report).toMatchObject({ persons: 1 });
      expect(await db.collection('evaluation_wakeups').countDocuments({ _id: `${today}:${id}` as never })).toBe(0);
    } finally {
      await t.close();
    }
  }, 60_000);
});
