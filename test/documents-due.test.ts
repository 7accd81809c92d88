/**
 * Documents falling due, pushed to `documentChanged` subscribers (issue 26, item 3: "documents due or
 * answered"): over a real WebSocket to a hub on real HTTP and the real store, with the hub's clock
 * moved by days. A correction notice received today is due in 15 days: it is announced due soon on
 * the day it enters the 7-day window and overdue on the day after its due day, each once, to the
 * addressee and not to another department; an answered document falls due no more.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from 'graphql-ws';
import { ObjectId } from 'mongodb';
import { beijingDay, DAY_MS } from '../domain/calendar';
import { fallingDue } from '../domain/documents';
import { detentionInput, personId } from './fixtures';
import { pushLines, registerCustodySource, startTestHub, subscribeWs, type TestHub, until, wsClient } from './helpers';

const DUE_EVENTS = `subscription Due($filter: DocumentEventFilter) {
  documentChanged(filter: $filter) { cursor kind status alert document { id number status dueDate } } }`;

/** The hub's clock: the wall clock moved on by whole days. */
const clock = { days: 0, now: () => Date.now() + clock.days * DAY_MS };

describe('fallingDue (pure)', () => {
  const received = (dueDay: number) => ({ status: 'RECEIVED' as const, dueDay, report: null });

  it('announces due soon on the day the window opens, overdue the day after the due day, and nothing in between', () => {
    // due on day 100, window of 7 days: due soon from day 93, overdue from day 101
    expect(fallingDue(received(100), 91, 92, 7)).toEqual([]);
    expect(fallingDue(received(100), 92, 93, 7)).toEqual(['DUE_SOON']);
    expect(fallingDue(received(100), 93, 94, 7)).toEqual([]);
    expect(fallingDue(received(100), 99, 100, 7)).toEqual([]);
    expect(fallingDue(received(100), 100, 101, 7)).toEqual(['OVERDUE']);
    expect(fallingDue(received(100), 101, 102, 7)).toEqual([]);
  });

  it('catches up on the days a stopped hub missed, and says only overdue when both fell in them', () => {
    expect(fallingDue(received(100), 80, 95, 7)).toEqual(['DUE_SOON']);
    expect(fallingDue(received(100), 80, 105, 7)).toEqual(['OVERDUE']);
  });

  it('announces nothing for a document no longer awaiting its reply, and a report overdue unless withdrawn', () => {
    expect(fallingDue({ status: 'ANSWERED', dueDay: 100 }, 100, 101, 7)).toEqual([]);
    const report = { required: true, reportedAt: null, dueDay: 50 };
    expect(fallingDue({ status: 'ANSWERED', dueDay: 100, report }, 50, 51, 7)).toEqual(['REPORT_OVERDUE']);
    expect(fallingDue({ status: 'WITHDRAWN', dueDay: 100, report }, 50, 51, 7)).toEqual([]);
    expect(fallingDue({ status: 'ANSWERED', dueDay: 100, report: { ...report, reportedAt: new Date() } }, 50, 51, 7)).toEqual([]);
  });
});

describe('documents falling due, on one hub with its clock moved', () => {
  let t: TestHub;
  const clients: Client[] = [];
  const connect = async (claims: Record<string, unknown>) => {
    const c = wsClient(t, { authorization: `Bearer ${await t.token(claims as never)}`, purpose: '签收回复' });
    clients.push(c);
    return c;
  };
  const subscribe = async (c: Client, variables: Record<string, unknown>) => {
    const { got } = await subscribeWs(t, c, DUE_EVENTS, variables);
    expect(got.errors).toEqual([]);
    return got;
  };
  /** DUE events stored for a document. */
  const dueEvents = (documentId: string) =>
    t.connection.db!.collection('hub_events').countDocuments({ topic: 'document', kind: 'DUE', ref: new ObjectId(documentId) });
  /** The day the hub announced documents falling due through (the daily work recorded done for it). */
  const announcedThrough = async () => (await t.connection.db!.collection('hub_meta').findOne({ _id: 'documents-due' as never }))?.through;

  beforeAll(async () => {
    clock.days = 0;
    t = await startTestHub({ incrementalEvaluationMs: 200, clock: clock.now, subscriptions: { pollMs: 100 } });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t.close();
  });

  it('announces a received correction notice due soon and then overdue, once each, to its addressee only', async () => {
    const source = await registerCustodySource(t);
    const id = personId(41);
    await pushLines(t, source, [JSON.stringify(detentionInput(id, 41))]);
    // the push's batch raises the custody-overdue lead the notice is issued from
    const leadId = await until('the lead', async () => {
      const lead = await t.hub.sources.leads.models.Lead.collection.findOne({ idNumber: id, rule: 'DET_OVERDUE_STAGE' });
      return lead?._id.toHexString();
    });

    const mine = await subscribe(await connect({ role: 'DEPARTMENT', sub: 'd-kss', org: 'KSS-500101', regions: ['500101'] }), {
      filter: { changes: ['DUE'] },
    });
    const theirs = await subscribe(await connect({ role: 'DEPARTMENT', sub: 'd-other', org: 'KSS-500102', regions: ['500102'] }), {});

    const procurator = {
      authorization: `Bearer ${await t.token({ role: 'PROCURATOR', org: 'JCY-500101', regions: ['500101'] } as never)}`,
      'x-purpose': encodeURIComponent('渝检纠〔2026〕1号'),
    };
    const issued = await t.gql(
      `mutation($input: IssueDocumentInput!) { issueDocument(input: $input) { id } }`,
      {
        input: {
          kind: 'CORRECTION_NOTICE',
          addressee: { code: 'KSS-500101', name: '重庆市万州区看守所' },
          leads: [leadId],
          facts: '羁押期限已超过法定期限。',
          legalBasis: '《中华人民共和国刑事诉讼法》第一百七十二条',
          request: '依法纠正并书面回复。',
        },
      },
      procurator,
    );
    expect(issued.body.errors).toBeUndefined();
    const documentId = issued.body.data.issueDocument.id;
    const department = {
      authorization: `Bearer ${await t.token({ role: 'DEPARTMENT', sub: 'd-kss', org: 'KSS-500101', regions: ['500101'] } as never)}`,
      'x-purpose': encodeURIComponent('签收回复'),
    };
    const signed = await t.gql(`mutation($id: ID!) { signDocumentReceipt(id: $id) { status dueDate } }`, { id: documentId }, department);
    expect(signed.body.errors).toBeUndefined();
    const today = beijingDay(clock.now());
    // 15 calendar days: due on today + 15, due soon (7 days) from today + 8, overdue from today + 16
    expect(signed.body.data.signDocumentReceipt.dueDate).toBe(new Date((today + 15) * DAY_MS).toISOString().slice(0, 10));

    // today's announcement (the first: today only) has nothing for it
    await until('today announced', async () => (await announcedThrough()) === today);
    for (const days of [1, 7]) {
      clock.days = days;
      await until(`day ${days} announced`, async () => (await announcedThrough()) === today + days);
    }
    expect(await dueEvents(documentId)).toBe(0);

    clock.days = 8;
    const soon = await until('the due-soon event', () => mine.events[0]?.documentChanged);
    expect(soon).toMatchObject({ kind: 'DUE', status: 'RECEIVED', alert: 'DUE_SOON', document: { id: documentId, status: 'RECEIVED' } });
    expect(await announcedThrough()).toBe(today + 8);

    // the same day's later turns, and the days until the due day, announce nothing more
    await delay(1000);
    for (const days of [9, 15]) {
      clock.days = days;
      await until(`day ${days} announced`, async () => (await announcedThrough()) === today + days);
    }
    expect(mine.events).toHaveLength(1);
    clock.days = 16;
    const overdue = await until('the overdue event', () => mine.events[1]?.documentChanged);
    expect(overdue).toMatchObject({ kind: 'DUE', alert: 'OVERDUE', document: { id: documentId } });
    expect(overdue.cursor > soon.cursor).toBe(true);
    // the announcement is kept: asked again for the same day it sends nothing
    expect(await t.hub.sources.documents.announceDue(today + 16)).toBe(0);
    await delay(1000);
    expect(mine.events).toHaveLength(2);
    expect(await dueEvents(documentId)).toBe(2);
    // another department saw none of it
    expect(theirs.events).toEqual([]);

    // answered, it falls due no more (a late answer is still an answer)
    const answered = await t.gql(
      `mutation($id: ID!, $input: DocumentAnswerInput!) { answerDocument(id: $id, input: $input) { status } }`,
      { id: documentId, input: { text: '已依法纠正。', measures: '已办理变更强制措施手续。', rectification: 'RECTIFIED' } },
      department,
    );
    expect(answered.body.errors).toBeUndefined();
    clock.days = 17;
    await until('day 17 announced', async () => (await announcedThrough()) === today + 17);
    expect(await dueEvents(documentId)).toBe(2);
  }, 60_000);
});
