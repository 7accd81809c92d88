/**
 * Runs the supervision rules over every person the hub knows, from every source, and keeps the
 * leads in step with what the data shows. The parts:
 *
 * - lease.ts: one evaluation at a time across all hub replicas (a lease in the store)
 * - runs.ts: the run log (`evaluation_runs`) with progress, report and error
 * - hosted.ts, live.ts: reading the hosted records (one pass per collection) and the live sources
 *   (their list protocol, once per run)
 * - spill.ts: memory bounded by what is read: persons split by a hash of their ID number into
 *   temporary files when they do not fit `chunkRecords`, split again until every chunk fits
 * - reconcile.ts: a chunk's findings against its stored leads, written through the leads store
 * - marks.ts, incremental.ts: the persons pushes marked, evaluated in small batches within seconds
 *   under the same lease; a full run over every rule removes the marks made before it read the records
 *
 * Every run is recorded; a run that finds the lease taken stops.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { beijingDay } from '../../../domain/calendar';
import { DOMAINS } from '../../../domain/records';
import { evaluatePerson, RULE_IDS, type PersonRecords, type RuleRecord } from '../../../domain/rules';
import { badInput } from '../../../lib/errors';
import type { GuardedWrites } from '../../store/guarded-writes';
import type { DataSourceDoc, Models } from '../../store/models';
import type { ConnectorPool } from '../../sources/connectors';
import type { SourceRegistry } from '../../sources/registry';
import type { LeadStore } from '../leads';
import { estimateCount, readHosted, suspendedHosted } from './hosted';
import { INCREMENTAL_HOLDER, IncrementalEvaluation, type IncrementalParts } from './incremental';
import { EvaluationLease } from './lease';
import type { EvaluationMarks } from './marks';
import type { EvaluationWakeups, NextChange } from './wakeups';
import { readByPerson, readLive } from './live';
import { newestName, personOf } from './persons';
import { existingLeads, Reconciler, type FoundLead } from './reconcile';
import { RunLog, type EvaluationProgress, type EvaluationReport, type EvaluationRunDoc } from './runs';
import { ChunkSpill } from './spill';

export { ABANDONED, type EvaluationProgress, type EvaluationReport, type EvaluationRunDoc } from './runs';
export { EvaluationLease } from './lease';
export { EvaluationMarks, type PersonMarks } from './marks';
export { EvaluationWakeups } from './wakeups';
export { IncrementalEvaluation, INCREMENTAL_ACTOR } from './incremental';

export interface EvaluatorOptions {
  /** records read into memory at once (one chunk of persons) */
  chunkRecords?: number;
  /** how long a run's lease lasts without renewal */
  leaseMs?: number;
  /** how long a full run waits for an incremental batch holding the lease before it counts as busy (default 60 s) */
  incrementalWaitMs?: number;
}

/** What an evaluator reads and writes through, and its options. */
export interface EvaluatorParts extends EvaluatorOptions {
  connection: Connection;
  models: Models;
  leads: LeadStore;
  registry: SourceRegistry;
  connectors: ConnectorPool;
  /** the claimed writes the lease is changed through (claimed-writes.ts) */
  claims: GuardedWrites;
  /** the persons pushes marked (incremental evaluation); a full run over every rule removes those it covered */
  marks?: EvaluationMarks;
  /** the persons' next changes (wakeups.ts): a full run records every person's */
  wakeups?: EvaluationWakeups;
  /** the hub's clock: the day a run evaluates on (default the wall clock) */
  clock?: () => number;
}

export interface EvaluateOptions {
  rules?: readonly string[] | null;
  actor: string;
  trigger: 'manual' | 'schedule' | 'parameters';
  today?: Date;
  onProgress?: (p: EvaluationProgress) => void;
}

export class EvaluationBusyError extends Error {}

/** A run ended by stop() (the hub shutting down): recorded FAILED with this message. */
export class EvaluationStoppedError extends Error {}

export class Evaluator {
  private readonly log: RunLog;
  private readonly lease: EvaluationLease;
  private running: Promise<EvaluationReport> | null = null;
  /** set by stop(): the running evaluation ends at its next progress step with this reason */
  private stopping: string | null = null;
  private readonly chunkRecords: number;

  constructor(private readonly parts: EvaluatorParts) {
    this.log = new RunLog(parts.connection);
    this.lease = new EvaluationLease({ connection: parts.connection, claims: parts.claims, leaseMs: parts.leaseMs });
    this.chunkRecords = parts.chunkRecords ?? 250_000;
  }

  /** The run log's model (`evaluation_runs`). */
  get Run() {
    return this.log.Run;
  }

  async ensureIndexes(): Promise<void> {
    await this.log.ensureIndexes();
    await this.lease.ensureIndexes();
    await this.parts.marks?.ensureIndexes();
    await this.parts.wakeups?.ensureIndexes();
  }

  /** The incremental evaluation of marked persons, under this evaluator's lease and run log. */
  incremental(options: Pick<IncrementalParts, 'records' | 'clock' | 'batchPersons' | 'intentStaleMs' | 'daily'>): IncrementalEvaluation {
    const { marks, leads, registry, wakeups } = this.parts;
    if (!marks) throw new Error('incremental evaluation needs the evaluation marks');
    return new IncrementalEvaluation({ ...options, marks, wakeups, leads, registry, lease: this.lease, log: this.log });
  }

  /** ms from a change of rule parameters to the full run it calls for (0: none); set by the hub at start */
  afterChangeMs = 0;
  /** how a full run started in the background reports its failure (set by the hub at start) */
  onBackgroundError: (err: Error) => void = () => undefined;
  private afterChange?: NodeJS.Timeout;
  private again: Promise<void> | null = null;

  /**
   * Rule parameters (or the working calendar: DATA_LATE_ENTRY's holidays and make-up days) changed:
   * the stored findings and every person's next change rest on the old ones, so a full run over
   * every rule follows, `afterChangeMs` after the last of several changes in a row.
   */
  parametersChanged(actor: string): void {
    if (!this.afterChangeMs || this.stopping) return;
    clearTimeout(this.afterChange);
    this.afterChange = setTimeout(() => void this.evaluateAfterChange(actor), this.afterChangeMs);
    this.afterChange.unref();
  }

  /**
   * The full run after a change: started once the run in progress here has ended (it read the old
   * parameters); while another replica evaluates, tried again every `retryMs`. Calls meanwhile share it.
   */
  evaluateAfterChange(actor: string, retryMs = 30_000): Promise<void> {
    this.again ??= (async () => {
      await this.running?.catch(() => undefined);
      this.again = null;
      for (;;) {
        if (this.stopping) return;
        try {
          await this.evaluate({ actor, trigger: 'parameters' });
          return;
        } catch (e) {
          if (!(e instanceof EvaluationBusyError) || this.stopping) return this.onBackgroundError(e as Error);
        }
        await delay(retryMs, undefined, { ref: false });
      }
    })();
    return this.again;
  }

  async runs(first: number): Promise<EvaluationRunDoc[]> {
    return this.log.latest(first);
  }

  /**
   * Evaluates now. A second call while this process is evaluating joins the running evaluation;
   * while another replica evaluates, it fails with EvaluationBusyError.
   */
  evaluate(options: EvaluateOptions): Promise<EvaluationReport> {
    options.rules?.forEach((r, i) => {
      if (!RULE_IDS.includes(r)) throw badInput(`rules[${i}]`, `no supervision rule ${r}; known: ${RULE_IDS.join(', ')}`);
    });
    if (this.running) return this.running;
    if (this.stopping) return Promise.reject(new EvaluationBusyError(`this hub process is stopping (${this.stopping})`));
    const run = this.run(options).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /**
   * Ends this process's evaluation at its next progress step (a chunk, or 50,000 records), marked
   * FAILED with `reason`, its lease given back, and waits up to `waitMs` for that; later calls to
   * evaluate() are refused. For shutdown: the run is not left RUNNING with the store closed under it.
   */
  async stop(reason: string, waitMs = 5000): Promise<void> {
    this.stopping = reason;
    clearTimeout(this.afterChange);
    if (this.running) await Promise.race([this.running.catch(() => undefined), delay(waitMs, undefined, { ref: false })]);
  }

  private async run(options: EvaluateOptions): Promise<EvaluationReport> {
    const runId = randomUUID();
    if (!(await this.acquire(runId))) {
      const current = await this.log.running();
      throw new EvaluationBusyError(
        current
          ? `an evaluation started at ${current.startedAt.toISOString()} by ${current.actor} is running (${current.progress.records} of ${current.progress.totalRecords} records); try again when it has finished`
          : 'another hub replica is evaluating; try again shortly',
      );
    }
    const started = Date.now();
    const rules = options.rules?.length ? [...options.rules] : null;
    const progress: EvaluationProgress = { persons: 0, records: 0, totalRecords: 0, chunk: 0, chunks: 0 };
    await this.log.start({ _id: runId, trigger: options.trigger, actor: options.actor, rules, startedAt: new Date(started), progress });
    let peakRss = process.memoryUsage().rss;
    const sample = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 200);
    sample.unref();
    try {
      const now = options.today ?? new Date(this.parts.clock?.() ?? Date.now());
      const report = await this.evaluateAll(runId, rules, now, progress, async () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        options.onProgress?.(progress);
        if (this.stopping) throw new EvaluationStoppedError(`stopped: ${this.stopping}`);
        if (!(await this.lease.renew(runId)))
          throw new Error(
            "the evaluation lease passed to another hub replica (this run went unrenewed past its lease); that replica's run carries on",
          );
        await this.log.progress(runId, progress);
      });
      report.durationMs = Date.now() - started;
      await this.log.done(runId, report, progress, peakRss);
      return report;
    } catch (e) {
      await this.log.failed(runId, (e as Error).message, progress, peakRss).catch(() => undefined);
      throw e;
    } finally {
      clearInterval(sample);
      await this.lease.release(runId).catch(() => undefined);
    }
  }

  /**
   * Takes the lease; while an incremental batch holds it (seconds), waits for the batch to end
   * rather than report the evaluation busy.
   */
  private async acquire(runId: string): Promise<boolean> {
    const until = Date.now() + (this.parts.incrementalWaitMs ?? 60_000);
    for (;;) {
      if (await this.lease.acquire(runId)) return true;
      if (Date.now() > until) return false;
      // free again (the batch ended between the two reads): try again; held by a full run elsewhere: busy
      const holder = await this.lease.holder();
      if (holder && !holder.startsWith(INCREMENTAL_HOLDER)) return false;
      await delay(100);
    }
  }

  private async evaluateAll(
    runId: string,
    rules: string[] | null,
    now: Date,
    progress: EvaluationProgress,
    tick: () => Promise<void>,
  ): Promise<EvaluationReport> {
    const { models, leads, registry, connectors, wakeups } = this.parts;
    const today = beijingDay(now);
    const params = await leads.parameters();
    const unavailable = new Set<string>();
    const suspended = suspendedHosted(registry);
    const report: EvaluationReport = {
      runId,
      persons: 0,
      records: 0,
      findings: 0,
      newLeads: 0,
      stillOpen: 0,
      changed: 0,
      reopened: 0,
      resolvedByData: 0,
      unavailableSources: [],
      durationMs: 0,
    };
    // Marks made before the records are read are covered by this run (a push marks after it stored).
    const covered = !rules && this.parts.marks ? await this.parts.marks.all() : [];
    const byPersonOnly: DataSourceDoc[] = [];
    const live = await readLive(registry, connectors, unavailable, byPersonOnly);
    let total = 0;
    // The last finished run's count is a good estimate and free; counting costs a full read on FerretDB.
    // It only plans the first split: memory is bounded by the records actually read (ChunkSpill).
    const last = await this.log.lastRecords();
    if (last) total = last;
    else {
      for (const d of DOMAINS) total += await estimateCount(models, d);
      for (const p of live.values()) for (const d of DOMAINS) total += p[d].length;
    }
    progress.totalRecords = total;
    progress.chunks = Math.max(1, Math.ceil(total / this.chunkRecords));
    progress.largestChunk = 0;
    await tick();

    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hub-evaluation-'));
    try {
      const spill = new ChunkSpill({ bound: this.chunkRecords, planned: progress.chunks, dir });
      await readHosted(models, suspended, async (d, doc) => {
        await spill.add(d, doc);
        progress.records++;
        if (progress.records % 50_000 === 0) await tick();
      });
      const chunks = await spill.settle(tick);
      progress.totalRecords = Math.max(progress.totalRecords, progress.records);
      progress.chunks = chunks;
      const existing = await existingLeads(leads, (id) => spill.chunkOf(id), chunks);
      // the wake-ups already recorded, by chunk: a person's next change found again is not inserted again
      const known = Array.from({ length: chunks }, () => new Set<string>());
      if (wakeups) for await (const w of wakeups.ids()) known[spill.chunkOf(w.idNumber)].add(w._id);
      const reconciler = new Reconciler({ leads, rules, unavailable, now, report });
      const liveOf = Array.from({ length: chunks }, () => [] as PersonRecords[]);
      for (const [id, p] of live) liveOf[spill.chunkOf(id)].push(p);
      for (let i = 0; i < chunks; i++) {
        const { persons, records } = await spill.read(i);
        progress.largestChunk = Math.max(progress.largestChunk, records);
        for (const lp of liveOf[i]) {
          const p = personOf(persons, lp.idNumber);
          for (const d of DOMAINS) {
            (p[d] as RuleRecord[]).push(...(lp[d] as RuleRecord[]));
            progress.records += lp[d].length;
          }
        }
        if (byPersonOnly.length > 0) progress.records += await readByPerson(byPersonOnly, connectors, persons, unavailable);
        const findings: FoundLead[] = [];
        const next: NextChange[] = [];
        for (const p of persons.values()) {
          const name = newestName(p);
          const evaluated = evaluatePerson(p, { today }, params, rules);
          for (const f of evaluated.findings) findings.push({ finding: f, name });
          if (evaluated.nextChange !== null) next.push({ idNumber: p.idNumber, day: evaluated.nextChange });
        }
        progress.persons += persons.size;
        report.persons += persons.size;
        report.findings += findings.length;
        await reconciler.chunk(existing[i], findings);
        await wakeups?.record(next, known[i]);
        progress.chunk++;
        await tick();
      }
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
    await this.parts.marks?.remove(covered.map((m) => m._id));
    report.records = progress.records;
    report.unavailableSources = [...unavailable];
    return report;
  }
}
