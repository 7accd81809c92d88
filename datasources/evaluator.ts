/**
 * Runs the supervision rules over every person the hub knows, from every source, and keeps the
 * leads in step with what the data shows.
 *
 * Memory stays bounded whatever the data size: when the store holds more than `chunkRecords` records,
 * persons are split by a hash of their ID number into chunks of about that many records; the store is
 * read once (one pass per collection, the cheapest read FerretDB 1.24 has), each record written to its
 * chunk's temporary file, and the chunks are then evaluated one at a time from disk. Smaller data sets
 * are evaluated in memory from the same single pass. Live sources are read through their list protocol
 * once per run.
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
import { beijingDay } from '../domain/calendar';
import { DOMAINS, type Domain } from '../domain/records';
import { evaluatePerson, RULE_IDS, type Finding, type PersonRecords, type RuleRecord } from '../domain/rules';
import { badInput } from './errors';
import { DUPLICATE_KEY, eachInFlight, UPDATES_IN_FLIGHT } from './single-updates';
import { ConcurrentChangeError } from './claimed-writes';
import { EVALUATION_ACTOR, newLead, type LeadDoc, type LeadRecordRef, type LeadStore } from './leads';
import type { AnyRecordDoc, DataSourceDoc, Models } from './models';
import type { ConnectorPool } from './connectors';
import type { SourceRegistry } from './source-registry';

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
    const last = (await this.Run.find({ status: 'DONE' }, { report: 1, startedAt: 1 }).lean()).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0];
    if (last?.report?.records) total = last.report.records;
    else {
      for (const d of DOMAINS) total += await this.estimateCount(d);
      for (const p of live.values()) for (const d of DOMAINS) total += p[d].length;
    }
    progress.totalRecords = total;
    // Persons are split by a hash of their ID number into chunks of about chunkRecords records each.
    const chunks = Math.max(1, Math.ceil(total / this.chunkRecords));
    progress.chunks = chunks;
    const existing = await this.existingLeads(chunks);
    await tick();

    const evaluateChunk = async (i: number, persons: Map<string, PersonRecords>) => {
      for (const [id, lp] of live) {
        if (chunkOf(id, chunks) !== i) continue;
        let p = persons.get(id);
        if (!p) persons.set(id, (p = emptyPerson(id)));
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
    };
    const add = (persons: Map<string, PersonRecords>, d: Domain, doc: RawDoc) => {
      let p = persons.get(doc.idNumber);
      if (!p) persons.set(doc.idNumber, (p = emptyPerson(doc.idNumber)));
      (p[d] as RuleRecord[]).push(ruleRecord(d, doc));
    };

    if (chunks === 1) {
      const persons = new Map<string, PersonRecords>();
      await this.readHosted(suspended, (d, doc) => { add(persons, d, doc); progress.records++; });
      await evaluateChunk(0, persons);
    } else {
      // One pass over the store, each record spilled to its chunk's file; then chunk by chunk from disk.
      // FerretDB evaluates ID-number ranges after reading whole collections, so a range query per chunk
      // would read the store once per chunk.
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hub-evaluation-'));
      try {
        const files = Array.from({ length: chunks }, (_, i) => fs.createWriteStream(path.join(dir, `${i}.ndjson`)));
        await this.readHosted(suspended, async (d, doc) => {
          const out = files[chunkOf(doc.idNumber, chunks)];
          if (!out.write(`${d}\t${BSON.EJSON.stringify(doc)}\n`)) await once(out, 'drain');
          progress.records++;
          if (progress.records % 50_000 === 0) await tick();
        });
        await Promise.all(files.map((f) => new Promise<void>((resolve, reject) => { f.once('error', reject); f.end(resolve); })));
        for (let i = 0; i < chunks; i++) {
          const persons = new Map<string, PersonRecords>();
          const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, `${i}.ndjson`)), crlfDelay: Infinity });
          for await (const line of lines) {
            const tab = line.indexOf('\t');
            add(persons, line.slice(0, tab) as Domain, BSON.EJSON.parse(line.slice(tab + 1)) as unknown as RawDoc);
          }
          await evaluateChunk(i, persons);
        }
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    }
    report.records = progress.records;
    report.unavailableSources = [...unavailable];
    return report;
  }

  /** Every stored lead (the fields reconciling needs), by chunk. */
  private async existingLeads(chunks: number): Promise<Map<string, LeadDoc>[]> {
    const out = Array.from({ length: chunks }, () => new Map<string, LeadDoc>());
    const cursor = this.leads.models.Lead.collection.find({}, { projection: { key: 1, idNumber: 1, rule: 1, status: 1, severity: 1, explanation: 1, records: 1, resolvedByData: 1 }, batchSize: 10_000 });
    for await (const doc of cursor) out[chunkOf(doc.idNumber as string, chunks)].set(doc.key as string, doc as unknown as LeadDoc);
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

/** The chunk of a person: FNV-1a of the ID number. */
function chunkOf(idNumber: string, chunks: number): number {
  if (chunks === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < idNumber.length; i++) h = Math.imul(h ^ idNumber.charCodeAt(i), 0x01000193);
  return (h >>> 0) % chunks;
}

function newestName(p: PersonRecords): string {
  let best: RuleRecord | undefined;
  for (const d of DOMAINS) for (const r of p[d] as RuleRecord[]) if (!best || r.updatedAt > best.updatedAt) best = r;
  return best?.name ?? '';
}

export { Types };
