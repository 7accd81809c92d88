/**
 * Incremental evaluation: the persons ingest marked (marks.ts) are evaluated within seconds, without a
 * full run. A batch:
 *
 * 1. takes the evaluation lease (lease.ts), the one the full run holds: across replicas one batch or
 *    one full run reconciles leads at a time, so the two never reconcile the same person at once. A
 *    batch finding the lease held skips its turn; the marks wait (the full run removes those it covered);
 * 2. takes up to `batchPersons` marks and reads those persons' records from every hosted and live
 *    source through the dossier's batch lookups (`FederatedRecords.byIdNumbers`: one equality per
 *    person on FerretDB, one `$in` per collection on MongoDB), never a scan: its store commands grow
 *    with the persons marked, not with the records stored;
 * 3. evaluates them, reads their stored leads (`LeadStore.byIdNumbers`) and reconciles them with the
 *    full run's own `Reconciler`;
 * 4. removes the marks it took, and only then: a batch that stops or fails before leaves them for the next;
 *    (before 1, now and then, it turns the intents of batches whose writer died before marking into marks);
 * 5. records itself in `evaluation_runs` (trigger `incremental`, DONE with its report).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { beijingDay } from '../../../domain/calendar';
import { DOMAINS } from '../../../domain/records';
import { evaluatePerson, type PersonRecords, type RuleRecord } from '../../../domain/rules';
import type { FederatedRecords } from '../../sources/federated-records';
import type { SourceRegistry } from '../../sources/registry';
import type { Domain } from '../../../domain/record-domains';
import type { LeadStore, ReconciledLead } from '../leads';
import type { EvaluationLease } from './lease';
import { INTENT_STALE_MS, type EvaluationMarks } from './marks';
import { emptyPerson, newestName, ruleRecord, type RawDoc } from './persons';
import { Reconciler, type FoundLead } from './reconcile';
import type { EvaluationReport, RunLog } from './runs';

/** The holder of the lease while a batch runs starts with this (the full run waits for such a holder). */
export const INCREMENTAL_HOLDER = 'incremental:';

/** How long a drain leaves the lease free between two batches (a waiting full run takes it). */
const BATCH_PAUSE_MS = 250;

/** The actor recorded on incremental batches. */
export const INCREMENTAL_ACTOR = 'hub:incremental';

export interface IncrementalParts {
  marks: EvaluationMarks;
  lease: EvaluationLease;
  log: RunLog;
  leads: LeadStore;
  registry: SourceRegistry;
  records: { [D in Domain]: Pick<FederatedRecords<D, never>, 'byIdNumbers'> };
  /** the hub's clock: the day the rules evaluate on */
  clock: () => number;
  /** most persons a batch evaluates (default 500) */
  batchPersons?: number;
  /** how old a batch's intent must be before its writer is taken for dead (default `INTENT_STALE_MS`; marks.ts) */
  intentStaleMs?: number;
}

/** Ends a batch between its steps (the hub stopping): the marks stay. */
export class BatchStoppedError extends Error {}

export class IncrementalEvaluation {
  private readonly batchPersons: number;
  private readonly intentStaleMs: number;
  /** when this process last looked for stale intents (wall clock) */
  private intentsCheckedAt = 0;
  private running: Promise<EvaluationReport | null> | null = null;
  private stopping = false;
  /** called after each batch that evaluated persons, with its report (metrics) */
  onBatch?: (report: EvaluationReport) => void;

  constructor(private readonly parts: IncrementalParts) {
    this.batchPersons = parts.batchPersons ?? 500;
    this.intentStaleMs = parts.intentStaleMs ?? INTENT_STALE_MS;
  }

  /**
   * Evaluates one batch of marked persons, if any and if the lease is free; null when it did nothing.
   * A call while this process runs a batch joins it.
   */
  batch(): Promise<EvaluationReport | null> {
    if (this.stopping) return Promise.resolve(null);
    if (!this.running)
      this.running = this.run().finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private draining: Promise<EvaluationReport[]> | null = null;

  /**
   * Batches until no marks are left (or the lease is held elsewhere); the reports of those that ran.
   * A call while this process drains joins it. Between two batches it pauses `BATCH_PAUSE_MS` with
   * the lease given back: a full run waiting for the lease (it polls every 100 ms) takes it then,
   * rather than waiting out a backlog of marks.
   */
  drain(): Promise<EvaluationReport[]> {
    if (!this.draining)
      this.draining = this.drainAll().finally(() => {
        this.draining = null;
      });
    return this.draining;
  }

  private async drainAll(): Promise<EvaluationReport[]> {
    const out: EvaluationReport[] = [];
    for (;;) {
      const r = await this.batch();
      if (!r) return out;
      out.push(r);
      if (r.persons < this.batchPersons || this.stopping) return out;
      await delay(BATCH_PAUSE_MS);
    }
  }

  /** No more batches; waits up to `waitMs` for one running, which stops before it reconciles and leaves its marks. */
  async stop(waitMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.running)
      await Promise.race([this.running.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  private async run(): Promise<EvaluationReport | null> {
    const { marks, lease, log, leads, registry, records, clock } = this.parts;
    // Persons of batches whose writer died between storing and marking (marks.ts), looked for now and
    // then: one read of a collection that holds only the batches being written.
    if (Date.now() - this.intentsCheckedAt >= Math.min(this.intentStaleMs / 2, 10_000)) {
      this.intentsCheckedAt = Date.now();
      await marks.recover(new Date(Date.now() - this.intentStaleMs));
    }
    // Nothing marked: no lease taken. Each change of the lease is a claimed write, and on FerretDB
    // every claim stays stored (write_claims): an idle hub must not write one every turn.
    if ((await marks.take(1)).length === 0) return null;
    const holder = `${INCREMENTAL_HOLDER}${randomUUID()}`;
    if (!(await lease.acquire(holder))) return null;
    try {
      const taken = await marks.take(this.batchPersons);
      if (taken.length === 0) return null;
      const started = Date.now();
      const ids = [...new Set(taken.map((m) => m.idNumber))];
      const now = new Date(clock());
      const unavailable = new Set<string>();
      const params = await leads.parameters();
      const persons = ids.map((id) => emptyPerson(id));
      let read = 0;
      await Promise.all(
        DOMAINS.map(async (d) => {
          const found = await records[d].byIdNumbers(ids, {
            regions: null,
            report: (source) => unavailable.add(source._id.toHexString()),
          });
          found.forEach((list, i) => {
            for (const doc of list) {
              const r = ruleRecord(d, { ...(doc as unknown as RawDoc) });
              if (registry.get(doc.sourceId.toString())?.kind !== 'HOSTED') r.live = true;
              (persons[i][d] as RuleRecord[]).push(r);
              read++;
            }
          });
        }),
      );
      const findings: FoundLead[] = [];
      for (const p of persons as PersonRecords[]) {
        const name = newestName(p);
        for (const f of evaluatePerson(p, { today: beijingDay(now) }, params, null)) findings.push({ finding: f, name });
      }
      const existing = new Map<string, ReconciledLead>();
      for (const list of await leads.byIdNumbers(ids, null)) for (const lead of list) existing.set(lead.key, lead);
      const runId = randomUUID();
      const report: EvaluationReport = {
        runId,
        persons: ids.length,
        records: read,
        findings: findings.length,
        newLeads: 0,
        stillOpen: 0,
        reopened: 0,
        resolvedByData: 0,
        unavailableSources: [...unavailable],
        durationMs: 0,
      };
      if (this.stopping) throw new BatchStoppedError('the hub is stopping: the batch leaves its marks for the next');
      // Still ours: a batch that outlived its lease must not reconcile beside a full run that took it.
      if (!(await lease.renew(holder))) throw new Error('the evaluation lease passed to another holder during an incremental batch');
      await new Reconciler({ leads, rules: null, unavailable, now, report }).chunk(existing, findings);
      await marks.remove(taken.map((m) => m._id));
      report.durationMs = Date.now() - started;
      await log.record({
        _id: runId,
        trigger: 'incremental',
        actor: INCREMENTAL_ACTOR,
        rules: null,
        status: 'DONE',
        startedAt: new Date(started),
        finishedAt: new Date(),
        progress: { persons: ids.length, records: read, totalRecords: read, chunk: 1, chunks: 1 },
        report,
      });
      this.onBatch?.(report);
      return report;
    } finally {
      await lease.release(holder).catch(() => undefined);
    }
  }
}
