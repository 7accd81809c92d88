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
import type { EvaluationWakeups, NextChange } from './wakeups';
import { emptyPerson, newestName, ruleRecord, type RawDoc } from './persons';
import { Reconciler, type FoundLead } from './reconcile';
import type { EvaluationReport, RunLog } from './runs';

/** The holder of the lease while a batch runs starts with this (the full run waits for such a holder). */
export const INCREMENTAL_HOLDER = 'incremental:';

/** How long a drain (or a wake-up) leaves the lease free between two batches (a waiting full run takes it). */
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
  /** the persons' next changes: recorded by every batch, and evaluated on their day (`wakeUp`) */
  wakeups?: EvaluationWakeups;
  /**
   * Work done once a Beijing day, on the first turn of the day after the wake-up, under the lease
   * (one replica at a time): announcing the documents that fell due (documents.ts `announceDue`).
   * It keeps its own record of the day it did: a replica taking its turn later finds nothing to do.
   */
  daily?: (today: number) => Promise<unknown>;
}

/** How many days back a wake-up looks for entries when no wake-up finished since (the nightly full run covers older ones). */
export const WAKE_UP_LOOKBACK_DAYS = 31;

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
  /** called after each finished wake-up, with its report (metrics) */
  onWakeUp?: (report: EvaluationReport) => void;

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

  /** No more batches; waits up to `waitMs` for a batch or wake-up running, which stops before it reconciles and leaves its marks or entries. */
  async stop(waitMs = 5000): Promise<void> {
    this.stopping = true;
    const busy = [this.running, this.waking].filter((p) => p !== null).map((p) => p.catch(() => undefined));
    if (busy.length) await Promise.race([Promise.all(busy), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  private async run(): Promise<EvaluationReport | null> {
    const { marks, lease, log } = this.parts;
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
      const report = await this.evaluate(ids, holder, () => marks.remove(taken.map((m) => m._id)));
      report.durationMs = Date.now() - started;
      await log.record({
        _id: report.runId,
        trigger: 'incremental',
        actor: INCREMENTAL_ACTOR,
        rules: null,
        status: 'DONE',
        startedAt: new Date(started),
        finishedAt: new Date(),
        progress: { persons: ids.length, records: report.records, totalRecords: report.records, chunk: 1, chunks: 1 },
        report,
      });
      this.onBatch?.(report);
      return report;
    } finally {
      await lease.release(holder).catch(() => undefined);
    }
  }

  /**
   * Evaluates these persons on the hub's day and reconciles their leads, holding the lease as
   * `holder`; records each person's next change (wakeups.ts), then `done` (removing the marks or
   * entries that named them), and only then: a batch that stops or fails before leaves them.
   */
  private async evaluate(ids: string[], holder: string, done: () => Promise<void>): Promise<EvaluationReport> {
    const { lease, leads, registry, records, clock, wakeups } = this.parts;
    const now = new Date(clock());
    const today = beijingDay(now);
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
    const next: NextChange[] = [];
    for (const p of persons as PersonRecords[]) {
      const name = newestName(p);
      const evaluated = evaluatePerson(p, { today }, params, null);
      for (const f of evaluated.findings) findings.push({ finding: f, name });
      if (evaluated.nextChange !== null) next.push({ idNumber: p.idNumber, day: evaluated.nextChange });
    }
    const existing = new Map<string, ReconciledLead>();
    for (const list of await leads.byIdNumbers(ids, null)) for (const lead of list) existing.set(lead.key, lead);
    const report: EvaluationReport = {
      runId: randomUUID(),
      persons: ids.length,
      records: read,
      findings: findings.length,
      newLeads: 0,
      stillOpen: 0,
      reopened: 0,
      resolvedByData: 0,
      changed: 0,
      unavailableSources: [...unavailable],
      durationMs: 0,
    };
    if (this.stopping) throw new BatchStoppedError('the hub is stopping: the batch leaves its marks for the next');
    // Still ours: a batch that outlived its lease must not reconcile beside a full run that took it.
    if (!(await lease.renew(holder))) throw new Error('the evaluation lease passed to another holder during an incremental batch');
    await new Reconciler({ leads, rules: null, unavailable, now, report }).chunk(existing, findings);
    await wakeups?.record(next);
    await done();
    return report;
  }

  private waking: Promise<EvaluationReport | null> | null = null;
  /** the hub's day this process last finished a wake-up on */
  private wokenOn: number | null = null;

  /**
   * One turn of the hub's timer: the marked persons (drain), then, on the first turn of a Beijing day
   * (by the hub's clock), the wake-up of the persons due that day.
   */
  async turn(): Promise<EvaluationReport[]> {
    const reports = await this.drain();
    if (this.parts.wakeups && this.wokenOn !== beijingDay(this.parts.clock())) {
      const woken = await this.wakeUp();
      if (woken) reports.push(woken);
    }
    const today = beijingDay(this.parts.clock());
    if (this.parts.daily && this.dailyOn !== today && !this.stopping) {
      const holder = `${INCREMENTAL_HOLDER}daily:${randomUUID()}`;
      // the lease held elsewhere: the next turn tries again
      if (await this.parts.lease.acquire(holder))
        try {
          await this.parts.daily(today);
          this.dailyOn = today;
        } finally {
          await this.parts.lease.release(holder).catch(() => undefined);
        }
    }
    return reports;
  }

  /** the hub's day this process last did the daily work on */
  private dailyOn: number | null = null;

  /**
   * Evaluates the persons whose wake-up day has come (day <= today), in batches of `batchPersons`
   * under the lease as a batch of marks is (its holder `incremental:wake-up:…`, so a full run waits
   * for it), and removes their entries once their leads are reconciled. Recorded in `evaluation_runs`
   * (trigger `wake-up`, `through` today) when every entry due was handled; null when the lease was
   * held elsewhere (the next turn tries again) or the hub is stopping. A call while one runs joins it.
   */
  wakeUp(): Promise<EvaluationReport | null> {
    if (this.stopping) return Promise.resolve(null);
    this.waking ??= this.wakeAll().finally(() => {
      this.waking = null;
    });
    return this.waking;
  }

  private async wakeAll(): Promise<EvaluationReport | null> {
    const { lease, log, clock } = this.parts;
    const wakeups = this.parts.wakeups!;
    const today = beijingDay(clock());
    const started = Date.now();
    // FerretDB walks the days one equality each: from the day after the last finished wake-up
    const last = await log.lastWakeUp(today);
    let from = Math.max(last == null ? -Infinity : last + 1, today - WAKE_UP_LOOKBACK_DAYS);
    const total: EvaluationReport = {
      runId: randomUUID(),
      persons: 0,
      records: 0,
      findings: 0,
      newLeads: 0,
      stillOpen: 0,
      reopened: 0,
      resolvedByData: 0,
      changed: 0,
      unavailableSources: [],
      durationMs: 0,
    };
    let batches = 0;
    for (;;) {
      if (this.stopping) return null;
      const due = await wakeups.due(from, today, this.batchPersons);
      if (due.length === 0) break;
      from = Math.min(...due.map((w) => w.day));
      const holder = `${INCREMENTAL_HOLDER}wake-up:${randomUUID()}`;
      if (!(await lease.acquire(holder))) return null;
      try {
        const ids = [...new Set(due.map((w) => w.idNumber))];
        const r = await this.evaluate(ids, holder, () => wakeups.remove(due.map((w) => w._id)));
        for (const k of ['persons', 'records', 'findings', 'newLeads', 'stillOpen', 'reopened', 'resolvedByData', 'changed'] as const)
          total[k] += r[k];
        total.unavailableSources = [...new Set([...total.unavailableSources, ...r.unavailableSources])];
      } finally {
        await lease.release(holder).catch(() => undefined);
      }
      batches++;
      if (due.length < this.batchPersons) continue;
      await delay(BATCH_PAUSE_MS);
    }
    total.durationMs = Date.now() - started;
    await log.record({
      _id: total.runId,
      trigger: 'wake-up',
      actor: INCREMENTAL_ACTOR,
      rules: null,
      status: 'DONE',
      startedAt: new Date(started),
      finishedAt: new Date(),
      progress: { persons: total.persons, records: total.records, totalRecords: total.records, chunk: batches, chunks: batches },
      report: total,
      through: today,
    });
    this.wokenOn = today;
    this.onWakeUp?.(total);
    return total;
  }
}
