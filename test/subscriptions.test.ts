/**
 * Subscriptions over a real WebSocket (graphql-ws's client on `ws`) to hubs on real HTTP and the real
 * store: leads raised by a push and the incremental evaluation, or changed by a procurator, reach
 * the subscribers who may see them, resolved and masked as queries resolve them, audited at the start
 * and at each event; a district sees nothing of another; refused connections and limits say why; a
 * reconnect with the last cursor misses nothing; two hubs on one store deliver each other's events.
 */
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from 'graphql-ws';
import { ObjectId } from 'mongodb';
import { newLead } from '../datasources/services/leads';
import { verifyAuditChain } from '../datasources/services/audit';
import { detentionInput, personId } from './fixtures';
import { pushLines, registerCustodySource, startTestHub, subscribeWs, type TestHub, type TestSource, until, wsClient } from './helpers';

const LEAD_EVENTS = `subscription Leads($filter: LeadFilter, $after: String) {
  leadChanged(filter: $filter, after: $after) { cursor kind status lead { id status person { idNumber name } } } }`;
const DOCUMENT_EVENTS = `subscription Documents($filter: DocumentEventFilter) {
  documentChanged(filter: $filter) { cursor kind status document { id number status dueDate addressee { code } } } }`;

const overdue = (idNumber: string, n: number) => detentionInput(idNumber, n);

describe('lead subscriptions on one hub', () => {
  let t: TestHub;
  let source: TestSource;
  const clients: Client[] = [];
  const connect = async (claims: Record<string, unknown>, purpose: string | null = 'TEST-2025-001') => {
    const token = await t.token({ role: 'PROCURATOR', ...claims } as never);
    const c = wsClient(t, { authorization: `Bearer ${token}`, ...(purpose ? { purpose } : {}) });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestHub({ incrementalEvaluationMs: 200, subscriptions: { pollMs: 100, perConnection: 2, connectionsPerActor: 2 } });
    source = await registerCustodySource(t);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t.close();
  });

  it('pushes a lead raised by a push to the subscribers who may see it: masked for analysts, nothing to another district', async () => {
    const id = personId(11);
    const city = await subscribeWs(t, await connect({ sub: 'p-city' }), LEAD_EVENTS, {
      filter: { idNumber: id, rules: ['DET_OVERDUE_STAGE'] },
    });
    const analyst = await subscribeWs(t, await connect({ role: 'ANALYST', sub: 'a-city' }, null), LEAD_EVENTS, {
      filter: { idNumber: id, rules: ['DET_OVERDUE_STAGE'] },
    });
    const district = await subscribeWs(t, await connect({ sub: 'p-500102', regions: ['500102'] }), LEAD_EVENTS, {
      filter: { idNumber: id, rules: ['DET_OVERDUE_STAGE'] },
    });
    for (const s of [city, analyst, district]) expect(s.got.errors).toEqual([]);
    // operators see them in the metrics
    const metrics = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${await t.token({ role: 'ADMIN' })}` } })
    ).text();
    expect(Number(/^hub_subscriptions (\d+)$/m.exec(metrics)?.[1])).toBe(t.hub.sources.feed.size);
    expect(t.hub.sources.feed.size).toBeGreaterThanOrEqual(3);

    const res = await pushLines(t, source, [JSON.stringify(overdue(id, 11))]);
    expect(res.status).toBe(200);
    const [event] = await until('the lead event', () => city.got.events.length > 0 && city.got.events);
    expect(event.leadChanged).toMatchObject({
      kind: 'CREATED',
      status: 'NEW',
      lead: { status: 'NEW', person: { idNumber: id, name: '王伟' } },
    });
    const [masked] = await until('the analyst event', () => analyst.got.events.length > 0 && analyst.got.events);
    expect(masked.leadChanged.cursor).toBe(event.leadChanged.cursor);
    expect(masked.leadChanged.lead.person.idNumber).not.toBe(id);
    expect(masked.leadChanged.lead.person.idNumber).toContain('*');
    expect(masked.leadChanged.lead.person.name).not.toBe('王伟');
    // the district subscriber polled the same events and got none of them
    await delay(1000);
    expect(district.got.events).toEqual([]);

    // audited: the start before anything was sent, and the event's delivery to each subscriber with
    // the person it disclosed, in the event's entry (one per event and write)
    const audit = t.connection.db!.collection('audit_log');
    const hmac = t.hub.context().audit.personal(id);
    const entries = await audit.find({ requestId: `event:${event.leadChanged.cursor}` }).toArray();
    const deliveries = entries.flatMap((e) => e.recipients as { requestId: string; actor: { sub: string }; idNumbers: string[] }[]);
    expect(deliveries.map((d) => d.actor.sub).sort()).toEqual(['a-city', 'p-city']);
    for (const [i, d] of deliveries.entries()) {
      expect(d.idNumbers).toEqual([hmac]);
      expect(d.requestId).toMatch(new RegExp(`#${event.leadChanged.cursor}$`));
      const start = await audit.findOne({ requestId: d.requestId.split('#')[0] });
      expect(start).toMatchObject({ status: 'OK', operationName: 'Leads', idNumbers: [] });
      expect(Number(start!._id)).toBeLessThan(Number(entries[Math.min(i, entries.length - 1)]._id));
    }
    expect(entries.every((e) => e.idNumbers.includes(hmac) && e.actor.kind === 'subscribers')).toBe(true);
    expect(await audit.countDocuments({ $or: [{ 'actor.sub': 'p-500102' }, { recipientSubs: 'p-500102' }], idNumbers: hmac })).toBe(0);
    // an administrator finds them by the subscriber, and the chain still verifies
    const { body } = await t.admin(
      `{ auditLog(filter: { actorSub: "a-city" }, first: 10) { edges { node { requestId actor recipients { actor purpose } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.auditLog.edges.map((e: { node: { requestId: string } }) => e.node.requestId)).toContain(
      `event:${event.leadChanged.cursor}`,
    );
    const eventEntry = body.data.auditLog.edges.find((e: { node: { requestId: string } }) => e.node.requestId.startsWith('event:')).node;
    expect(eventEntry.actor).toEqual({ kind: 'subscribers' });
    expect(eventEntry.recipients).toContainEqual({ actor: expect.objectContaining({ sub: 'a-city', role: 'ANALYST' }), purpose: null });
    expect((await verifyAuditChain(t.connection)).ok).toBe(true);
  }, 30_000);

  it("reads an event's person once for all the subscribers of one jurisdiction and operation, and audits it in one entry", async () => {
    const id = personId(13);
    const sizeBefore = t.hub.sources.feed.size;
    const watchers: Awaited<ReturnType<typeof subscribeWs>>[] = [];
    for (const sub of ['p-w1', 'p-w2', 'p-w3', 'p-w4', 'p-w5'])
      watchers.push(await subscribeWs(t, await connect({ sub }), LEAD_EVENTS, { filter: { idNumber: id, rules: ['DET_OVERDUE_STAGE'] } }));
    await pushLines(t, source, [JSON.stringify(overdue(id, 13))]);
    const created = (await until('the created event', () => watchers.every((w) => w.got.events.length > 0) && watchers[0].got.events[0]))
      .leadChanged;
    await delay(500);
    t.resetCommands();
    const ack = await t.gql(`mutation($id: ID!) { updateLeadStatus(id: $id, status: ACKNOWLEDGED, note: "受理") { status } }`, {
      id: created.lead.id,
    });
    expect(ack.body.errors).toBeUndefined();
    await until('the status event for all five', () => watchers.every((w) => w.got.events.some((e) => e.leadChanged.kind === 'STATUS')));
    // the person (name, region) comes from the record collections: one read each for the five, not five each
    const recordReads = t.commands.filter(
      (c) => c.commandName === 'find' && /_records$|^community_corrections$|^enforcement_cases$/.test(String((c.command as any).find)),
    );
    expect(recordReads.length).toBeGreaterThan(0);
    expect(recordReads.length).toBeLessThanOrEqual(4);
    const status = watchers[0].got.events.find((e) => e.leadChanged.kind === 'STATUS').leadChanged;
    const entries = await t.connection
      .db!.collection('audit_log')
      .find({ requestId: `event:${status.cursor}` })
      .toArray();
    expect(entries.flatMap((e) => e.recipientSubs).sort()).toEqual(['p-w1', 'p-w2', 'p-w3', 'p-w4', 'p-w5']);
    expect(entries.length).toBeLessThanOrEqual(2);
    for (const w of watchers) w.dispose();
    await until('the five unsubscribed', () => t.hub.sources.feed.size <= sizeBefore);
  }, 30_000);

  it('resumes from the last cursor after a reconnect: the changes made meanwhile come, none is missed', async () => {
    const id = personId(12);
    const first = await subscribeWs(t, await connect({ sub: 'p-resume' }), LEAD_EVENTS, {
      filter: { idNumber: id, rules: ['DET_OVERDUE_STAGE'] },
    });
    await pushLines(t, source, [JSON.stringify(overdue(id, 12))]);
    const created = (await until('event 1', () => first.got.events[0]))?.leadChanged;
    expect(created.kind).toBe('CREATED');
    first.dispose();
    await clients.pop()!.dispose();

    // changes 2 and 3 while nobody listens
    const leadId = created.lead.id;
    const ack = await t.gql(`mutation($id: ID!) { updateLeadStatus(id: $id, status: ACKNOWLEDGED, note: "受理") { status } }`, {
      id: leadId,
    });
    expect(ack.body.errors).toBeUndefined();
    const assign = await t.gql(`mutation($id: ID!) { assignLead(id: $id, assignee: "p-2", office: "JCY-500101", note: "承办") { id } }`, {
      id: leadId,
    });
    expect(assign.body.errors).toBeUndefined();

    const again = await subscribeWs(t, await connect({ sub: 'p-resume' }), LEAD_EVENTS, {
      filter: { idNumber: id, rules: ['DET_OVERDUE_STAGE'] },
      after: created.cursor,
    });
    // every event of this lead the store holds after event 1 comes (the overlap may repeat events seen before; never event 1 itself)
    const stored = await t.connection
      .db!.collection('hub_events')
      .find({ ref: new ObjectId(leadId) })
      .toArray();
    const after = stored.map((e) => e._id.toHexString()).filter((c) => c !== created.cursor);
    expect(after).toHaveLength(2);
    const events = await until(
      'events 2 and 3',
      () => after.every((c) => again.got.events.some((e) => e.leadChanged.cursor === c)) && again.got.events.map((e) => e.leadChanged),
    );
    expect(events.map((e: { kind: string; status: string }) => `${e.kind}:${e.status}`)).toEqual([
      'STATUS:ACKNOWLEDGED',
      'CHANGED:ACKNOWLEDGED',
    ]);
    expect(events.map((e: { cursor: string }) => e.cursor)).toEqual(after);
    // then live ones
    const resolved = await t.gql(`mutation($id: ID!) { updateLeadStatus(id: $id, status: RESOLVED, note: "已纠正") { status } }`, {
      id: leadId,
    });
    expect(resolved.body.errors).toBeUndefined();
    const live = await until('the live event', () => again.got.events[2]?.leadChanged);
    expect(live).toMatchObject({ kind: 'STATUS', status: 'RESOLVED', lead: { id: leadId, status: 'RESOLVED' } });
  }, 30_000);

  it('refuses connections without a valid token, with a clear close code and reason', async () => {
    const closeOf = async (params: Record<string, unknown>) => {
      const c = wsClient(t, params);
      clients.push(c);
      const { got } = await subscribeWs(t, c, LEAD_EVENTS);
      return got.errors[0] as { code: number; reason: string };
    };
    expect(await closeOf({})).toMatchObject({ code: 4401, reason: expect.stringContaining('credentials are required') });
    expect(await closeOf({ authorization: 'Bearer not-a-token' })).toMatchObject({ code: 4401 });
    const token = await t.token({ role: 'PROCURATOR' });
    expect(await closeOf({ authorization: `Bearer ${token}`, purpose: 'x' })).toMatchObject({
      code: 4400,
      reason: expect.stringContaining('X-Purpose'),
    });
    // a procurator without a purpose connects, but may not subscribe to leads (as supervisionLeads)
    const c = await connect({ sub: 'p-nopurpose' }, null);
    const { got } = await subscribeWs(t, c, LEAD_EVENTS);
    expect(got.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  }, 30_000);

  it('limits subscriptions per connection and connections per caller; queries and deep documents are refused', async () => {
    const c = await connect({ sub: 'p-limits' });
    await subscribeWs(t, c, LEAD_EVENTS);
    await subscribeWs(t, c, LEAD_EVENTS);
    const third = await subscribeWs(t, c, LEAD_EVENTS);
    expect(third.got.errors[0]).toMatchObject({
      message: expect.stringContaining('at most 2'),
      extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
    });
    const other = await connect({ sub: 'p-limits-other' });
    const query = await subscribeWs(t, other, '{ supervisionRules { id } }');
    expect(query.got.errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
    const deep = await subscribeWs(
      t,
      other,
      'subscription { leadChanged { lead { person { leads { person { leads { person { leads { person { leads { id } } } } } } } } } } }',
    );
    expect(deep.got.errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });

    const second = await connect({ sub: 'p-limits' });
    await subscribeWs(t, second, LEAD_EVENTS);
    const third_ = await connect({ sub: 'p-limits' });
    const refused = await subscribeWs(t, third_, LEAD_EVENTS);
    expect(refused.got.errors[0]).toMatchObject({ code: 4429, reason: expect.stringContaining('at most 2') });
  }, 30_000);
});

/** A Redis server for the wake-ups, where one is installed. */
function startRedis(): { url: string; child: ChildProcess } | null {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  return { url: `redis://127.0.0.1:${port}`, child };
}

describe('subscriptions across two hubs on one store', () => {
  const dbName = `t_${randomBytes(5).toString('hex')}`;
  let a: TestHub;
  let b: TestHub;
  let source: TestSource;
  const redis = startRedis();
  const clients: Client[] = [];

  beforeAll(async () => {
    // Hub B polls rarely: an event written on A reaches B's subscriber promptly only through Redis's wake-up (or, without Redis, its poll).
    const subscriptions = { pollMs: redis ? 10_000 : 200, redisUrl: redis?.url };
    a = await startTestHub({ dbName, subscriptions });
    b = await startTestHub({ dbName, subscriptions, requireTrustedOperations: true });
    source = await registerCustodySource(a);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await new Promise<void>((resolve) => a.server.close(() => resolve()));
    a.server.closeAllConnections?.();
    await a.hub.stop();
    await a.connection.close();
    await b.close();
    redis?.child.kill();
  });

  it("delivers an event written by one hub to the other hub's subscriber: documents issued and received", async () => {
    const id = personId(21);
    await pushLines(a, source, [JSON.stringify(overdue(id, 21))]);
    const stored = (await a.hub.sources.models.records.DETENTION.collection.findOne({ idNumber: id }))!;
    const lead = newLead(
      {
        rule: 'DET_OVERDUE_STAGE',
        severity: 'HIGH',
        idNumber: id,
        region: '500101',
        numbers: { days: 47 },
        explanation: '审查起诉阶段在押 47 天（测试）',
        explanationEn: '47 days in custody (test)',
        fingerprint: 'subs-21',
      },
      [{ domain: 'DETENTION', sourceId: stored.sourceId.toHexString(), externalId: stored.externalId }],
      '王伟',
      new Date(),
    );
    await a.hub.sources.leads.insertFound([lead]);
    const leadId = (await a.hub.sources.leads.models.Lead.collection.findOne({ key: lead.key }))!._id.toHexString();

    // B requires trusted operations: the department's front end registered its subscription
    const registered = await b.admin(`mutation($q: String!) { registerTrustedOperation(name: "documents", query: $q) { hash } }`, {
      q: DOCUMENT_EVENTS,
    });
    expect(registered.body.errors).toBeUndefined();
    const department = wsClient(b, {
      authorization: `Bearer ${await b.token({ role: 'DEPARTMENT', sub: 'd-kss', org: 'KSS-500101', regions: ['500101'] })}`,
      purpose: '签收回复',
    });
    const other = wsClient(b, {
      authorization: `Bearer ${await b.token({ role: 'DEPARTMENT', sub: 'd-other', org: 'KSS-500102', regions: ['500102'] })}`,
      purpose: '签收回复',
    });
    clients.push(department, other);
    const unregistered = await subscribeWs(b, department, DOCUMENT_EVENTS.replace('dueDate', ''));
    expect(unregistered.got.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const mine = await subscribeWs(b, department, DOCUMENT_EVENTS, { filter: { status: ['ISSUED', 'RECEIVED', 'ANSWERED'] } });
    const theirs = await subscribeWs(b, other, DOCUMENT_EVENTS);
    expect(mine.got.errors).toEqual([]);

    const procurator = {
      authorization: `Bearer ${await a.token({ role: 'PROCURATOR', org: 'JCY-500101', regions: ['500101'] })}`,
      'x-purpose': encodeURIComponent('渝检建〔2026〕1号'),
    };
    const issued = await a.gql(
      `mutation($input: IssueDocumentInput!) { issueDocument(input: $input) { id number } }`,
      {
        input: {
          kind: 'RECOMMENDATION',
          addressee: { code: 'KSS-500101', name: '重庆市万州区看守所' },
          leads: [leadId],
          facts: '羁押期限已超过法定期限。',
          legalBasis: '《中华人民共和国刑事诉讼法》第一百七十二条',
          request: '依法变更强制措施并书面回复。',
        },
      },
      procurator,
    );
    expect(issued.body.errors).toBeUndefined();
    const started = Date.now();
    const created = await until('the issued document on hub B', () => mine.got.events[0]?.documentChanged, 5000);
    if (redis) expect(Date.now() - started).toBeLessThan(3000);
    expect(created).toMatchObject({
      kind: 'CREATED',
      status: 'ISSUED',
      document: { id: issued.body.data.issueDocument.id, dueDate: null },
    });

    const departmentA = {
      authorization: `Bearer ${await a.token({ role: 'DEPARTMENT', sub: 'd-kss', org: 'KSS-500101', regions: ['500101'] })}`,
      'x-purpose': encodeURIComponent('签收回复'),
    };
    const signed = await a.gql(`mutation($id: ID!) { signDocumentReceipt(id: $id) { status } }`, { id: created.document.id }, departmentA);
    expect(signed.body.errors).toBeUndefined();
    const due = await until('the received (due) document on hub B', () => mine.got.events[1]?.documentChanged, 5000);
    expect(due).toMatchObject({ kind: 'STATUS', status: 'RECEIVED', document: { status: 'RECEIVED', dueDate: expect.any(String) } });
    await delay(500);
    expect(theirs.got.events).toEqual([]);
  }, 40_000);
});
