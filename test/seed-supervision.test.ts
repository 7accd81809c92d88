/**
 * The demo seed's year of supervision documents and two-way consultations, on the real store: 2,000
 * persons seeded as `npm start` seeds them (seedDemoData), then the documents and consultations read
 * back from the store and over HTTP. Counts scale by the stated formula; every lifecycle state is
 * there; each document rests on records of its addressee's own sources; deadlines and lateness are the
 * service's; a second run (another day too) adds nothing, nor one of another seed, and a document
 * lost from a cut-short run is issued again.
 */
import { Types } from 'mongoose';
import { beijingDay, dayOfDate } from '../domain/calendar';
import { addresses, dueDay, FINAL, type DocumentStatus } from '../domain/documents';
import { supervisionVolumes } from '../domain/synthetic/supervision';
import type { ConsultationDoc, ConsultationMessageDoc } from '../datasources/services/consultations';
import type { SupervisionDocumentDoc } from '../datasources/services/documents';
import { seedSupervision } from '../datasources/seed-supervision';
import { seedDemoData } from '../server/seed-runner';
import { startTestHub, type TestHub } from './helpers';

const PERSONS = 2000;
const TODAY = new Date('2026-03-16T10:00:00+08:00');
const today = beijingDay(TODAY);

describe('demo seed: a year of supervision documents and consultations', () => {
  let t: TestHub;
  let first: Awaited<ReturnType<typeof seedDemoData>>;
  let docs: SupervisionDocumentDoc[];
  let consultations: ConsultationDoc[];

  const readDocs = async () =>
    (await t.hub.sources.documents.models.Document.collection.find({}).toArray()) as unknown as SupervisionDocumentDoc[];
  const readConsultations = async () =>
    (await t.hub.sources.consultations.models.Consultation.collection.find({}).toArray()) as unknown as ConsultationDoc[];
  const readMessages = async () =>
    (await t.hub.sources.consultations.models.ConsultationMessage.collection.find({}).toArray()) as unknown as ConsultationMessageDoc[];

  beforeAll(async () => {
    t = await startTestHub({ clock: () => TODAY.getTime() });
    first = await seedDemoData(t.hub.sources, { persons: PERSONS, seed: 5, progress: false, today: TODAY });
    docs = await readDocs();
    consultations = await readConsultations();
  }, 300_000);
  afterAll(async () => {
    await t.close();
  });

  it('scales the counts by the stated formula: 1,827 recommendations, a fifth as many notices and 78 consultations per 100,000 persons', () => {
    expect(supervisionVolumes(PERSONS)).toEqual({ recommendations: 37, correctionNotices: 7, consultations: 3 });
    expect(supervisionVolumes(10_000)).toEqual({ recommendations: 183, correctionNotices: 37, consultations: 8 });
    expect(supervisionVolumes(500).consultations).toBe(0);
    expect(docs.filter((d) => d.kind === 'RECOMMENDATION')).toHaveLength(37);
    expect(docs.filter((d) => d.kind === 'CORRECTION_NOTICE')).toHaveLength(7);
    expect(consultations).toHaveLength(3);
    expect(first.supervision!.refused).toEqual({ count: 0, first: null });
    expect(first.supervision!.documents.total).toBe(44);
  });

  it('has every lifecycle state, objections upheld, revised and withdrawn, late answers, overdue and nearly due ones, urgent ones', () => {
    const byStatus = (s: DocumentStatus) => docs.filter((d) => d.status === s).length;
    for (const s of ['ISSUED', 'RECEIVED', 'OBJECTED', 'ANSWERED', 'CLOSED', 'WITHDRAWN'] as const)
      expect([s, byStatus(s) > 0]).toEqual([s, true]);
    // most were answered on time and rectified
    const rectifiedOnTime = docs.filter((d) => d.outcome === 'RECTIFIED' && d.answers.length > 0 && !d.answers[0].late);
    expect(rectifiedOnTime.length).toBeGreaterThan(docs.length / 2);
    const decisions = docs.flatMap((d) => d.objections.map((o) => o.decision));
    expect(decisions).toEqual(expect.arrayContaining(['UPHELD', 'REVISED', 'WITHDRAWN', null]));
    expect(docs.some((d) => d.answers.some((a) => a.late))).toBe(true);
    const owed = docs.filter((d) => d.status === 'RECEIVED');
    expect(owed.some((d) => d.dueDay! < today)).toBe(true);
    expect(owed.some((d) => d.dueDay! >= today && d.dueDay! <= today + 7)).toBe(true);
    expect(docs.some((d) => d.urgent)).toBe(true);
    expect(docs.some((d) => d.history.some((h) => h.action === 'ASK_AGAIN'))).toBe(true);
    expect(docs.some((d) => d.report.required && d.report.reportedAt)).toBe(true);
    // issued over the last 12 months, every step by the hub's own workflow at its time, none after today
    for (const d of docs) {
      expect(beijingDay(d.issuedAt)).toBeGreaterThanOrEqual(today - 366);
      const times = d.history.map((h) => h.at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times.at(-1)!).toBeLessThan(TODAY.getTime());
      expect(d.history[0]).toMatchObject({ action: 'ISSUE', role: 'PROCURATOR', org: d.office, actor: expect.stringMatching(/^demo-/) });
    }
    expect(new Set(docs.map((d) => beijingDay(d.issuedAt) >> 5)).size).toBeGreaterThan(6);
    // numbered in the order they were issued, per prefix and year
    const numbered = [...docs].sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime());
    for (const prefix of ['渝检建', '渝检纠'])
      for (const year of new Set(numbered.map((d) => d.numberYear))) {
        const seqs = numbered.filter((d) => d.numberPrefix === prefix && d.numberYear === year).map((d) => d.numberSeq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      }
  });

  it("rests every document on stored records of its addressee's own sources, issued by the records' district procuratorate", async () => {
    for (const d of docs) {
      expect(d.records.length).toBeGreaterThan(0);
      expect(d.office).toBe(`JCY-${d.region}`);
      for (const r of d.records) {
        const source = t.hub.sources.registry.get(r.sourceId)!;
        expect([d.number, source.department.code]).toEqual([d.number, d.addressee.code]);
        expect(addresses(source.department.code, d.addressee.code)).toBe(true);
        expect(r.region).toBe(d.region);
        const stored = await t.hub.sources.models.records[r.domain].collection.findOne({ externalId: r.externalId });
        expect(stored?.sourceId.toHexString()).toBe(r.sourceId);
      }
      expect(d.facts).toMatch(/^本院在履行.+职责中发现：/);
      expect(d.request).toMatch(/书面回复本院。$/);
    }
  });

  it("keeps the service's deadlines: due dates from receipt, late answers after their due date", async () => {
    const settings = await t.hub.sources.documents.settings();
    const cal = await t.hub.sources.documents.calendar();
    for (const d of docs) {
      if (d.receivedAt && !d.history.some((h) => h.action === 'REVISE' || h.action === 'ASK_AGAIN'))
        expect([d.number, d.dueDay]).toEqual([
          d.number,
          dueDay(d.kind, d.urgent, d.replyWithinDays, beijingDay(d.receivedAt), settings, cal),
        ]);
      for (const a of d.answers) {
        expect(a.late).toBe(beijingDay(a.at) > dayOfDate(a.dueDate!));
        if (a.late) expect(a.at.getTime()).toBeGreaterThanOrEqual(Date.parse(`${a.dueDate}T00:00:00+08:00`) + 86_400_000);
      }
      if (d.answeredAt) expect(d.answeredAt).toEqual(d.answers[0].at);
      if (FINAL.includes(d.status)) expect(d.closedAt).not.toBeNull();
    }
  });

  it('opens consultations from both sides about enforcement cases, most closed with a settlement note, threads of 1 to 4 messages', async () => {
    const messages = await readMessages();
    expect(new Set(consultations.map((c) => c.openedBy))).toEqual(new Set(['PROCURATORATE', 'DEPARTMENT']));
    expect(consultations.filter((c) => c.status === 'CLOSED').length).toBeGreaterThan(consultations.length / 2);
    expect(consultations.some((c) => c.status === 'OPEN')).toBe(true);
    for (const c of consultations) {
      expect(c.case?.domain).toBe('ENFORCEMENT_CASE');
      const thread = messages.filter((m) => m.consultationId === c._id.toHexString());
      expect(thread.length).toBeGreaterThanOrEqual(1);
      expect(thread.length).toBeLessThanOrEqual(4);
      if (c.status === 'CLOSED') expect(c.settlement).toBeTruthy();
      const record = await t.hub.sources.models.records.ENFORCEMENT_CASE.collection.findOne({ _id: new Types.ObjectId(c.case!.recordId!) });
      expect(t.hub.sources.registry.get(record!.sourceId)!.department.code).toBe(c.department.code);
    }
  });

  it('adds nothing on a second run, and issues again a document a cut-short run lost', async () => {
    const messages = (await readMessages()).length;
    const steps = docs.reduce((n, d) => n + d.history.length, 0);
    const settingsChanges = (await t.hub.sources.documents.settingsView()).departments.reduce((n, d) => n + d.changes.length, 0);
    const again = await seedDemoData(t.hub.sources, { persons: PERSONS, seed: 5, progress: false, today: TODAY });
    expect(again.supervision!.documents).toMatchObject({ issued: 0, steps: 0, total: 44 });
    expect(again.supervision!.consultations).toMatchObject({ opened: 0, messages: 0, total: 3 });
    const after = await readDocs();
    expect(after).toHaveLength(docs.length);
    expect(after.reduce((n, d) => n + d.history.length, 0)).toBe(steps);
    expect(await readConsultations()).toHaveLength(consultations.length);
    expect(await readMessages()).toHaveLength(messages);
    expect((await t.hub.sources.documents.settingsView()).departments.reduce((n, d) => n + d.changes.length, 0)).toBe(settingsChanges);

    // another day plays the plan the store was seeded with (nothing to do); another seed adds nothing
    const otherDay = await seedSupervision(t.hub.sources, { persons: PERSONS, seed: 5, today: new Date(TODAY.getTime() + 3 * 86_400_000) });
    expect(otherDay).toMatchObject({
      keptEarlier: false,
      documents: { issued: 0, steps: 0, total: 44 },
      consultations: { opened: 0, messages: 0 },
    });
    const otherSeed = await seedSupervision(t.hub.sources, { persons: PERSONS, seed: 6, today: TODAY });
    expect(otherSeed).toMatchObject({
      keptEarlier: true,
      documents: { issued: 0, steps: 0, total: 44 },
      consultations: { opened: 0, total: 3 },
    });
    expect(await readDocs()).toHaveLength(docs.length);

    // a run cut short before one document was issued: the next run issues it with its whole lifecycle
    const lost = docs.find((d) => d.status === 'CLOSED' && d.history.length >= 4)!;
    await t.hub.sources.documents.models.Document.collection.deleteOne({ _id: lost._id });
    const third = await seedDemoData(t.hub.sources, { persons: PERSONS, seed: 5, progress: false, today: TODAY });
    expect(third.supervision!.documents).toMatchObject({ issued: 1, total: 44 });
    const back = (await readDocs()).find((d) => d.records[0].externalId === lost.records[0].externalId && d.kind === lost.kind)!;
    expect(back.history.map((h) => [h.action, h.at.getTime()])).toEqual(lost.history.map((h) => [h.action, h.at.getTime()]));
    expect(back.status).toBe('CLOSED');
  });

  it('shows a department its own documents over HTTP, and a procurator its district alerts', async () => {
    docs = await readDocs();
    const addressee = docs[0].addressee.code;
    const own = docs.filter((d) => addresses(d.addressee.code, addressee));
    const department = {
      authorization: `Bearer ${await t.token({ role: 'DEPARTMENT', org: addressee, regions: [docs[0].region], sub: 'd-1' })}`,
    };
    const { body } = await t.gql(
      `{ supervisionDocuments(first: 100) { totalCount edges { node { number status addressee { code } records { externalId } } } } }`,
      {},
      department,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.supervisionDocuments.totalCount).toBe(own.length);
    expect(body.data.supervisionDocuments.edges.map((e: any) => e.node.number).sort()).toEqual(own.map((d) => d.number).sort());
    expect(new Set(body.data.supervisionDocuments.edges.map((e: any) => e.node.addressee.code))).toEqual(new Set([addressee]));

    const overdue = docs.find((d) => d.status === 'RECEIVED' && d.dueDay! < today)!;
    const procurator = {
      authorization: `Bearer ${await t.token({ role: 'PROCURATOR', org: overdue.office, regions: [overdue.region], sub: 'p-1' })}`,
      'x-purpose': 'JD-2026-001',
    };
    const alerts = await t.gql(`{ documentAlerts { kind days document { number } } }`, {}, procurator);
    expect(alerts.body.errors).toBeUndefined();
    expect(alerts.body.data.documentAlerts).toEqual(
      expect.arrayContaining([{ kind: 'OVERDUE', days: today - overdue.dueDay!, document: { number: overdue.number } }]),
    );
  });
});
