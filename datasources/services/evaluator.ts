/**
 * Runs the supervision rules over every person the hub knows, from every source, and keeps the
 * leads in step with what the data shows.
 *
 * Memory stays bounded by what is read, whatever the data size or its estimate: records are held in
 * memory only up to `chunkRecords`; past that (or from the start, when the estimate says the store is
 * bigger) persons are split by a hash of their ID number into temporary files, the store still read
 * once (one pass per collection, the cheapest read FerretDB 1.24 has). A file that came out bigger than
 * `chunkRecords` (the estimate was low) is split again by another hash, on disk, until every chunk fits
 * or holds a single person; the chunks are then evaluated one at a time. Live sources are read through
 * their list protocol once per run.
 *
 * Only one evaluation runs at a time across all hub replicas: a lease document in the store, renewed
 * while the run lasts, every change of it a claimed write; a run that finds its lease taken stops.
 * Every run is recorded with its progress in `evaluation_runs`.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import { BSON, type Collection } from 'mongodb';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { beijingDay } from '../../domain/calendar';
import { DOMAINS, type Domain } from '../../domain/records';
import { evaluatePerson, RULE_IDS, type Finding, type PersonRecords, type RuleRecord } from '../../domain/rules';
import { badInput } from '../../lib/errors';
import { DUPLICATE_KEY, eachInFlight, UPDATES_IN_FLIGHT } from '../store/single-updates';
import { ConcurrentChangeError } from '../store/ferretdb/claimed-writes';
import { EVALUATION_ACTOR, newLead, type LeadDoc, type LeadRecordRef, type LeadStore } from './leads';
import type { AnyRecordDoc, DataSourceDoc, Models } from '../store/models';
import type { ConnectorPool } from '../sources/connectors';
import type { SourceRegistry } from '../sources/registry';

export interface EvaluationReport {
  runId: string;
  persons: number;
  records: number;
  findings: number;
  newLeads: number;
  stillOpen: number;
  reopened: number;
  resolvedByData: number;
  /** live sources that could not be read: their persons' leads were left as they were */
  unavailableSources: string[];
  durationMs: number;
}

export interface EvaluationProgress {
  persons: number;
  records: number;
  totalRecords: number;
  chunk: number;
  chunks: number;
  /** most hosted records held in memory at once so far (the bound, or one person's records above it) */
  largestChunk?: number;
}

export interface EvaluationRunDoc {
  _id: string;
  trigger: 'manual' | 'schedule';
  actor: string;
  rules: string[] | null;
  status: 'RUNNING' | 'DONE' | 'FAILED';
  startedAt: Date;
  finishedAt?: Date | null;
  progress: EvaluationProgress;
  report?: EvaluationReport | null;
  error?: string | null;
  /** peak resident memory of the evaluating process during the run, bytes */
  peakRss?: number;
}

const runSchema = new Schema<EvaluationRunDoc>({
  _id: String, trigger: String, actor: String, rules: [String], status: String, startedAt: Date, finishedAt: Date,
  progress: Schema.Types.Mixed, report: Schema.Types.Mixed, error: String, peakRss: Number,
}, { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'evaluation_runs' });
runSchema.index({ startedAt: -1 });

interface LockDoc { _id: string; holder: string | null; until: Date; version?: number }
const LEASE_ID = 'evaluation';
const lockSchema = new Schema<LockDoc>({ _id: String, holder: String, until: Date, version: Number }, { versionKey: false, autoIndex: false, collection: 'evaluation_lock' });

export interface EvaluatorOptions {
  /** records read into memory at once (one chunk of persons) */
  chunkRecords?: number;
  /** how long a run's lease lasts without renewal */
  leaseMs?: number;
}

export class EvaluationBusyError extends Error {}

/** A run ended by stop() (the hub shutting down): recorded FAILED with this message. */
export class EvaluationStoppedError extends Error {}

/** What a run whose process stopped (killed, crashed) before it finished is marked with, by the next run. */
export const ABANDONED = 'abandoned: the hub process running it stopped before it finished';

type RawDoc = AnyRecordDoc & Record<string, unknown>;

/** The record as the rules see it; tolerant of fields a store document may lack. */
function ruleRecord(domain: Domain, doc: RawDoc): RuleRecord {
  const r = doc as unknown as RuleRecord & Record<string, unknown>;
  r.key = `${doc.sourceId.toString()}:${doc.externalId}`;
  if (domain === 'DETENTION') {
    r.caseFlags ??= [];
    r.extensions ??= [];
    r.extractions ??= [];
  } else if (domain === 'PRISON') {
    r.commutations ??= [];
    r.pretrialCustodyDays ??= 0;
  } else if (domain === 'COMMUNITY_CORRECTION') {
    r.violations ??= [];
  }
  return r;
}

function emptyPerson(idNumber: string): PersonRecords {
  return { idNumber, DETENTION: [], PRISON: [], COMMUNITY_CORRECTION: [], ENFORCEMENT_CASE: [] };
}

/** sourceId:externalId → the lead's reference to the record */
function refOf(domain: Domain, key: string): LeadRecordRef {
  const i = key.indexOf(':');
  return { domain, sourceId: key.slice(0, i), externalId: key.slice(i + 1) };
}

export class Evaluator {
  readonly Run: Model<EvaluationRunDoc>;
  private readonly Lock: Model<LockDoc>;
  private running: Promise<EvaluationReport> | null = null;
  /** set by stop(): the running evaluation ends at its next progress step with this reason */
  private stopping: string | null = null;
  private readonly chunkRecords: number;
  private readonly leaseMs: number;

  constructor(
    connection: Connection,
    private readonly models: Models,
    private readonly leads: LeadStore,
    private readonly registry: SourceRegistry,
    private readonly connectors: ConnectorPool,
    options: EvaluatorOptions = {},
  ) {
    this.Run = (connection.models.EvaluationRun as Model<EvaluationRunDoc> | undefined) ?? connection.model<EvaluationRunDoc>('EvaluationRun', runSchema);
    this.Lock = (connection.models.EvaluationLock as Model<LockDoc> | undefined) ?? connection.model<LockDoc>('EvaluationLock', lockSchema);
    this.chunkRecords = options.chunkRecords ?? 250_000;
    this.leaseMs = options.leaseMs ?? 120_000;
  }

  async ensureIndexes(): Promise<void> {
    for (const m of [this.Run, this.Lock] as Model<any>[]) {
      await m.createCollection().catch(() => undefined);
      await m.createIndexes();
    }
  }

  async runs(first: number): Promise<EvaluationRunDoc[]> {
    // Few documents; sorted here rather than by the store (FerretDB sorts without an index anyway).
    const all = await this.Run.find().lean();
    return all.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()).slice(0, first);
  }

  /**
   * Evaluates now. A second call while this process is evaluating joins the running evaluation;
   * while another replica evaluates, it fails with EvaluationBusyError.
   */
  evaluate(options: { rules?: readonly string[] | null; actor: string; trigger: 'manual' | 'schedule'; today?: Date; onProgress?: (p: EvaluationProgress) => void }): Promise<EvaluationReport> {
    options.rules?.forEach((r, i) => { if (!RULE_IDS.includes(r)) throw badInput(`rules[${i}]`, `no supervision rule ${r}; known: ${RULE_IDS.join(', ')}`); });
    if (this.running) return this.running;
    if (this.stopping) return Promise.reject(new EvaluationBusyError(`this hub process is stopping (${this.stopping})`));
    const run = this.run(options).finally(() => { this.running = null; });
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
    if (this.running) await Promise.race([this.running.catch(() => undefined), delay(waitMs, undefined, { ref: false })]);
  }

  /**
   * The lease is one document that is never deleted; every change of it (take, renew, give back) goes
   * through a claimed write (claimed-writes.ts). A guarded update alone would not do on FerretDB 1.24,
   * which checks `until < now` on its read and writes back unguarded: two replicas finding one expired
   * lease could both take it, and a late renewal could write the old holder back over a takeover.
   */
  private get lockCollection(): Collection<LockDoc> {
    return this.Lock.collection as unknown as Collection<LockDoc>;
  }

  private async acquire(holder: string): Promise<boolean> {
    const until = new Date(Date.now() + this.leaseMs);
    try {
      await this.lockCollection.insertOne({ _id: LEASE_ID, holder, until });
      return true;
    } catch (e) {
      if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
    }
    try {
      const { doc, written } = await this.leads.claims.change(this.lockCollection, LEASE_ID,
        (lease) => (lease.holder && lease.until.getTime() > Date.now() ? null : { holder, until }), { attempts: 1 });
      return written && doc?.holder === holder;
    } catch (e) {
      if (e instanceof ConcurrentChangeError) return false; // another replica took it first
      throw e;
    }
  }

  /** Extends this run's lease; false when another replica holds it (this run's lease had expired). */
  private async renew(holder: string): Promise<boolean> {
    const { doc } = await this.leads.claims.change(this.lockCollection, LEASE_ID,
      (lease) => (lease.holder === holder ? { until: new Date(Date.now() + this.leaseMs) } : null));
    return doc?.holder === holder;
  }

  private async release(holder: string): Promise<void> {
    await this.leads.claims.change(this.lockCollection, LEASE_ID, (lease) => (lease.holder === holder ? { holder: null, until: new Date(0) } : null));
  }

  private async run(options: { rules?: readonly string[] | null; actor: string; trigger: 'manual' | 'schedule'; today?: Date; onProgress?: (p: EvaluationProgress) => void }): Promise<EvaluationReport> {
    const runId = randomUUID();
    if (!(await this.acquire(runId))) {
      const current = await this.Run.findOne({ status: 'RUNNING' }).lean();
      throw new EvaluationBusyError(current
        ? `an evaluation started at ${current.startedAt.toISOString()} by ${current.actor} is running (${current.progress.records} of ${current.progress.totalRecords} records); try again when it has finished`
        : 'another hub replica is evaluating; try again shortly');
    }
    const started = Date.now();
    const rules = options.rules?.length ? [...options.rules] : null;
    const progress: EvaluationProgress = { persons: 0, records: 0, totalRecords: 0, chunk: 0, chunks: 0 };
    // Holding the lease, no other run is alive: one still RUNNING lost its process before it finished.
    await this.Run.collection.updateMany({ status: 'RUNNING' } as never, { $set: { status: 'FAILED', finishedAt: new Date(started), error: ABANDONED } });
    await this.Run.collection.insertOne({ _id: runId, trigger: options.trigger, actor: options.actor, rules, status: 'RUNNING', startedAt: new Date(started), progress } as never);
    let peakRss = process.memoryUsage().rss;
    const sample = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 200);
    sample.unref();
    try {
      const report = await this.evaluateAll(runId, rules, options.today ?? new Date(), progress, async () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        options.onProgress?.(progress);
        if (this.stopping) throw new EvaluationStoppedError(`stopped: ${this.stopping}`);
        if (!(await this.renew(runId))) throw new Error('the evaluation lease passed to another hub replica (this run went unrenewed past its lease); that replica\'s run carries on');
        await this.Run.collection.updateOne({ _id: runId } as never, { $set: { progress } });
      });
      report.durationMs = Date.now() - started;
      await this.Run.collection.updateOne({ _id: runId } as never, { $set: { status: 'DONE', finishedAt: new Date(), report, progress, peakRss } });
      return report;
    } catch (e) {
      await this.Run.collection.updateOne({ _id: runId } as never, { $set: { status: 'FAILED', finishedAt: new Date(), error: (e as Error).message, progress, peakRss } }).catch(() => undefined);
      throw e;
    } finally {
      clearInterval(sample);
      await this.release(runId).catch(() => undefined);
    }
  }

  private suspendedHosted(): Set<string> {
    const out = new Set<string>();
    for (const d of DOMAINS) for (const s of this.registry.list(d, 'SUSPENDED')) if (s.kind === 'HOSTED') out.add(s._id.toHexString());
    return out;
  }

  /** Every record of every ACTIVE live source, through the list protocol. */
  private async readLive(unavailable: Set<string>): Promise<Map<string, PersonRecords>> {
    const byPerson = new Map<string, PersonRecords>();
    const live: DataSourceDoc[] = [];
    for (const d of DOMAINS) for (const s of this.registry.list(d, 'ACTIVE')) if (s.kind !== 'HOSTED') live.push(s);
    await Promise.all(live.map(async (source) => {
      const connector = this.connectors.for(source);
      let cursor: string | null = null;
      try {
        for (let pages = 0; pages < 100_000; pages++) {
          const page = await connector.list({ limit: 500, cursor });
          for (const doc of page.records) {
            let p = byPerson.get(doc.idNumber);
            if (!p) byPerson.set(doc.idNumber, (p = emptyPerson(doc.idNumber)));
            const r = ruleRecord(source.domain, doc as RawDoc);
            r.live = true;
            (p[source.domain] as RuleRecord[]).push(r);
          }
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
      } catch {
        unavailable.add(source._id.toHexString());
        // records read before the failure stay out: half a source would resolve leads wrongly
        for (const p of byPerson.values()) {
          const list = p[source.domain] as RuleRecord[];
          for (let i = list.length - 1; i >= 0; i--) if (list[i].key.startsWith(`${source._id.toHexString()}:`)) list.splice(i, 1);
        }
      }
    }));
    return byPerson;
  }

  /**
   * Records in a collection, for progress and chunking. `collStats` first: FerretDB answers it from
   * PostgreSQL's statistics (4 s on 36,000 records where `count` read them all in 15 s); MongoDB from metadata.
   */
  private async estimateCount(d: Domain): Promise<number> {
    const collection = this.models.records[d].collection;
    try {
      const stats = await collection.db.command({ collStats: collection.collectionName });
      if (typeof stats.count === 'number') return stats.count;
    } catch { /* not supported: count instead */ }
    return collection.estimatedDocumentCount();
  }

  /** Reads every hosted record once, in one pass per collection, and hands them on. */
  private async readHosted(suspended: Set<string>, each: (d: Domain, doc: RawDoc) => void | Promise<void>): Promise<void> {
    for (const d of DOMAINS) {
      const cursor = this.models.records[d].collection.find({}, { projection: { regionPath: 0, pushId: 0, eventMonth: 0, eventDay: 0 }, batchSize: 5000 });
      for await (const doc of cursor) {
        if (suspended.has(doc.sourceId.toString())) continue;
        await each(d, doc as unknown as RawDoc);
      }
    }
  }

  private async evaluateAll(runId: string, rules: string[] | null, now: Date, progress: EvaluationProgress, tick: () => Promise<void>): Promise<EvaluationReport> {
    const today = beijingDay(now);
    const params = await this.leads.parameters();
    const unavailable = new Set<string>();
    const suspended = this.suspendedHosted();
    const report: EvaluationReport = { runId, persons: 0, records: 0, findings: 0, newLeads: 0, stillOpen: 0, reopened: 0, resolvedByData: 0, unavailableSources: [], durationMs: 0 };
    const live = await this.readLive(unavailable);
    let total = 0;
    // The last finished run's count is a good estimate and free; counting costs a full read on FerretDB.
    // It only plans the first split: memory is bounded by the records actually read (ChunkSpill).
    const last = (await this.Run.find({ status: 'DONE' }, { report: 1, startedAt: 1 }).lean()).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0];
    if (last?.report?.records) total = last.report.records;
    else {
      for (const d of DOMAINS) total += await this.estimateCount(d);
      for (const p of live.values()) for (const d of DOMAINS) total += p[d].length;
    }
    progress.totalRecords = total;
    progress.chunks = Math.max(1, Math.ceil(total / this.chunkRecords));
    progress.largestChunk = 0;
    await tick();

    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hub-evaluation-'));
    try {
      const spill = new ChunkSpill(this.chunkRecords, progress.chunks, dir);
      await this.readHosted(suspended, async (d, doc) => {
        await spill.add(d, doc);
        progress.records++;
        if (progress.records % 50_000 === 0) await tick();
      });
      const chunks = await spill.settle(tick);
      progress.totalRecords = Math.max(progress.totalRecords, progress.records);
      progress.chunks = chunks;
      const existing = await this.existingLeads((id) => spill.chunkOf(id), chunks);
      const liveOf = Array.from({ length: chunks }, () => [] as PersonRecords[]);
      for (const [id, p] of live) liveOf[spill.chunkOf(id)].push(p);
      for (let i = 0; i < chunks; i++) {
        const { persons, records } = await spill.read(i);
        progress.largestChunk = Math.max(progress.largestChunk, records);
        for (const lp of liveOf[i]) {
          let p = persons.get(lp.idNumber);
          if (!p) persons.set(lp.idNumber, (p = emptyPerson(lp.idNumber)));
          for (const d of DOMAINS) {
            (p[d] as RuleRecord[]).push(...(lp[d] as RuleRecord[]));
            progress.records += lp[d].length;
          }
        }
        const findings: { finding: Finding; name: string }[] = [];
        for (const p of persons.values()) {
          const name = newestName(p);
          for (const f of evaluatePerson(p, { today }, params, rules)) findings.push({ finding: f, name });
        }
        progress.persons += persons.size;
        report.persons += persons.size;
        report.findings += findings.length;
        await this.reconcile(existing[i], rules, findings, unavailable, now, report);
        progress.chunk++;
        await tick();
      }
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
    report.records = progress.records;
    report.unavailableSources = [...unavailable];
    return report;
  }

  /** Every stored lead (the fields reconciling needs), by chunk. */
  private async existingLeads(chunkOf: (idNumber: string) => number, chunks: number): Promise<Map<string, LeadDoc>[]> {
    const out = Array.from({ length: chunks }, () => new Map<string, LeadDoc>());
    const cursor = this.leads.models.Lead.collection.find({}, { projection: { key: 1, idNumber: 1, rule: 1, status: 1, severity: 1, explanation: 1, records: 1, resolvedByData: 1 }, batchSize: 10_000 });
    for await (const doc of cursor) out[chunkOf(doc.idNumber as string)].set(doc.key as string, doc as unknown as LeadDoc);
    return out;
  }

  /** Brings the stored leads of a chunk of persons in line with this run's findings. */
  private async reconcile(existing: Map<string, LeadDoc>, rules: string[] | null, findings: { finding: Finding; name: string }[], unavailable: Set<string>, now: Date, report: EvaluationReport): Promise<void> {
    const Lead = this.leads.models.Lead.collection;
    const inserts: Omit<LeadDoc, '_id'>[] = [];
    // Each change is decided again on the lead as stored when it is written (claimed-writes.ts): a
    // procurator may have changed the lead since it was read above, and neither change may be lost.
    const updates: { id: LeadDoc['_id']; decide: (current: LeadDoc) => Record<string, unknown> | null }[] = [];
    const seen = new Set<string>();
    for (const { finding: f, name } of findings) {
      const key = `${f.idNumber}|${f.fingerprint}`;
      seen.add(key);
      const lead = existing.get(key);
      const refs = f.records.map((r) => refOf(r.domain, r.key));
      if (!lead) {
        inserts.push(newLead(f, refs, name, now));
        continue;
      }
      const decide = (current: Pick<LeadDoc, 'severity' | 'explanation' | 'status' | 'resolvedByData'> & { history?: LeadDoc['history'] }) => {
        const set: Record<string, unknown> = {};
        if (current.severity !== f.severity || current.explanation !== f.explanation) {
          Object.assign(set, { severity: f.severity, numbers: f.numbers, explanation: f.explanation, explanationEn: f.explanationEn, records: refs, updatedAt: now });
        }
        if (current.status === 'RESOLVED' && current.resolvedByData) {
          Object.assign(set, { status: 'NEW', resolvedByData: false, history: [...(current.history ?? []), { at: now, actor: EVALUATION_ACTOR, status: 'NEW', note: 'found again in the data' }] });
        }
        return Object.keys(set).length > 0 ? set : null;
      };
      if (lead.status === 'RESOLVED' && lead.resolvedByData) report.reopened++;
      else if (lead.status === 'NEW' || lead.status === 'ACKNOWLEDGED') report.stillOpen++;
      if (decide(lead)) updates.push({ id: lead._id, decide });
    }
    for (const lead of existing.values()) {
      if (seen.has(lead.key) || (lead.status !== 'NEW' && lead.status !== 'ACKNOWLEDGED')) continue;
      if (rules && !rules.includes(lead.rule)) continue;
      // A lead resting on a live source that could not be read this time is left as it is.
      if (lead.records.some((r) => unavailable.has(r.sourceId))) continue;
      report.resolvedByData++;
      updates.push({
        id: lead._id,
        decide: (current) => current.status !== 'NEW' && current.status !== 'ACKNOWLEDGED' ? null : {
          status: 'RESOLVED', resolvedByData: true, updatedAt: now,
          history: [...current.history, { at: now, actor: EVALUATION_ACTOR, status: 'RESOLVED', note: 'no longer found in the data' }],
        },
      });
    }
    for (let i = 0; i < inserts.length; i += 1000) {
      const batch = inserts.slice(i, i + 1000);
      try {
        await Lead.insertMany(batch as never[], { ordered: true });
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        // A lead written meanwhile (a run that lost its lease): insert the rest one by one.
        for (const doc of batch) await Lead.insertOne(doc as never).catch((err: { code?: number }) => { if (err.code !== 11000) throw err; });
      }
    }
    report.newLeads += inserts.length;
    // A few leads at a time, each change its own commands (single-updates.ts: FerretDB stalls on commands of many).
    await eachInFlight(updates, UPDATES_IN_FLIGHT, (u) => this.leads.claims.change(Lead as never, u.id, u.decide as never));
  }
}

/** Most files one split writes at once (each an open file descriptor). */
const MAX_FANOUT = 256;
/** Splits of one file before it is taken as it is (distinct persons always part long before). */
const MAX_DEPTH = 24;

/** Records of one hash bucket, in a file: `idNumber \t domain \t EJSON` per line. */
interface Bucket { file: string; records: number; out?: fs.WriteStream; firstId?: string; onePerson: boolean; chunk?: number }
/** Persons of a split go to `parts[bucketHash(id, salt) % parts.length]`. */
interface Split { salt: number; parts: (Bucket | Split)[] }

/**
 * Where a run's hosted records wait for their chunk. Up to `bound` records are held in memory; at the
 * next (or from the start, when the estimate plans several chunks) every record goes to a temporary
 * file by a hash of its person's ID number. The estimate may be far off (the store grew since the last
 * run), so after the read each file of more than `bound` records is split again with another hash, on
 * disk, until it fits or holds one person's records only: memory is bounded by what was read, never
 * by what was expected. Not a range of ID numbers read from the store per chunk: FerretDB evaluates
 * ranges (and sorts) after reading whole collections, so every chunk would read the store again.
 */
class ChunkSpill {
  private held: [Domain, RawDoc][] = [];
  private root: Split | null = null;
  private buckets = 0;
  private chunks: Bucket[] = [];

  constructor(private readonly bound: number, private readonly planned: number, private readonly dir: string) {}

  async add(d: Domain, doc: RawDoc): Promise<void> {
    if (!this.root && this.planned === 1 && this.held.length < this.bound) {
      this.held.push([d, doc]);
      return;
    }
    if (!this.root) {
      this.root = this.split(0, this.planned);
      for (const [hd, hdoc] of this.held) await this.write(this.bucketOf(hdoc.idNumber), hdoc.idNumber, `${hd}\t${BSON.EJSON.stringify(hdoc)}`);
      this.held = [];
    }
    await this.write(this.bucketOf(doc.idNumber), doc.idNumber, `${d}\t${BSON.EJSON.stringify(doc)}`);
  }

  /** Closes the files and splits those over the bound; the number of chunks. */
  async settle(tick: () => Promise<void>): Promise<number> {
    if (!this.root) return 1;
    await closeAll(this.leaves(this.root));
    this.root = await this.settleSplit(this.root, tick);
    this.chunks = this.leaves(this.root);
    this.chunks.forEach((b, i) => { b.chunk = i; });
    return this.chunks.length;
  }

  chunkOf(idNumber: string): number {
    return this.root ? this.bucketOf(idNumber).chunk! : 0;
  }

  /** The persons of one chunk, with the count of their hosted records. */
  async read(chunk: number): Promise<{ persons: Map<string, PersonRecords>; records: number }> {
    const persons = new Map<string, PersonRecords>();
    const add = (d: Domain, doc: RawDoc) => {
      let p = persons.get(doc.idNumber);
      if (!p) persons.set(doc.idNumber, (p = emptyPerson(doc.idNumber)));
      (p[d] as RuleRecord[]).push(ruleRecord(d, doc));
    };
    if (!this.root) {
      for (const [d, doc] of this.held) add(d, doc);
      const records = this.held.length;
      this.held = [];
      return { persons, records };
    }
    const bucket = this.chunks[chunk];
    for await (const line of lines(bucket.file)) {
      const [, d, json] = fields(line);
      add(d as Domain, BSON.EJSON.parse(json) as unknown as RawDoc);
    }
    return { persons, records: bucket.records };
  }

  private split(depth: number, fanout: number): Split {
    const parts = Array.from({ length: Math.min(MAX_FANOUT, Math.max(2, fanout)) }, (): Bucket => ({ file: path.join(this.dir, `${this.buckets++}.ndjson`), records: 0, onePerson: true }));
    return { salt: depth, parts };
  }

  private bucketOf(idNumber: string, from: Split = this.root!): Bucket {
    let node: Bucket | Split = from;
    while ('parts' in node) node = node.parts[bucketHash(idNumber, node.salt) % node.parts.length];
    return node;
  }

  private async write(bucket: Bucket, idNumber: string, rest: string): Promise<void> {
    bucket.out ??= fs.createWriteStream(bucket.file);
    if (bucket.firstId === undefined) bucket.firstId = idNumber;
    else if (bucket.firstId !== idNumber) bucket.onePerson = false;
    bucket.records++;
    if (!bucket.out.write(`${idNumber}\t${rest}\n`)) await once(bucket.out, 'drain');
  }

  private async settleSplit(split: Split, tick: () => Promise<void>): Promise<Split> {
    for (let i = 0; i < split.parts.length; i++) {
      const part = split.parts[i];
      if ('parts' in part) await this.settleSplit(part, tick);
      else if (part.records > this.bound && !part.onePerson && split.salt + 1 < MAX_DEPTH) {
        const sub = this.split(split.salt + 1, Math.ceil(part.records / this.bound));
        let n = 0;
        for await (const line of lines(part.file)) {
          const tab = line.indexOf('\t');
          const id = line.slice(0, tab);
          await this.write(this.bucketOf(id, sub), id, line.slice(tab + 1));
          if (++n % 50_000 === 0) await tick();
        }
        await closeAll(this.leaves(sub));
        await fsp.rm(part.file, { force: true });
        split.parts[i] = await this.settleSplit(sub, tick);
      }
    }
    return split;
  }

  private leaves(node: Bucket | Split): Bucket[] {
    return 'parts' in node ? node.parts.flatMap((p) => this.leaves(p)) : [node];
  }
}

async function closeAll(buckets: Bucket[]): Promise<void> {
  await Promise.all(buckets.map((b) => b.out && new Promise<void>((resolve, reject) => { b.out!.once('error', reject); b.out!.end(resolve); })));
  for (const b of buckets) b.out = undefined;
}

/** The lines of a spill file (an empty bucket has no file). */
async function* lines(file: string): AsyncGenerator<string> {
  if (!fs.existsSync(file)) return;
  yield* readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
}

/** idNumber, domain, EJSON of a spill line. */
function fields(line: string): [string, string, string] {
  const a = line.indexOf('\t');
  const b = line.indexOf('\t', a + 1);
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
}

/**
 * The bucket hash of a person: FNV-1a of the ID number from a salted start, then murmur3's finaliser.
 * FNV-1a alone keeps its low bits in step with the characters' parity, so a salt would not move
 * persons between two buckets; the finaliser mixes every bit of the state into the low ones.
 */
function bucketHash(idNumber: string, salt: number): number {
  let h = 0x811c9dc5 ^ Math.imul(salt, 0x9e3779b9);
  for (let i = 0; i < idNumber.length; i++) h = Math.imul(h ^ idNumber.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function newestName(p: PersonRecords): string {
  let best: RuleRecord | undefined;
  for (const d of DOMAINS) for (const r of p[d] as RuleRecord[]) if (!best || r.updatedAt > best.updatedAt) best = r;
  return best?.name ?? '';
}

export { Types };
