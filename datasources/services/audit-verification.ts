/**
 * Verifying the audit chain from the API (administrators; the workbench's audit screen), as
 * `npm run audit:verify` does from a shell: the hub recomputes the whole chain in the background and
 * keeps the run, with its progress, in `audit_verifications`, so any replica can show it and the page
 * can follow a long one. One run at a time per hub process; a run whose process stopped is reported
 * FAILED once its progress has been still for `staleMs`.
 */
import { Types, type Connection } from 'mongoose';
import { verifyAuditChain } from './audit';

export type VerificationStatus = 'RUNNING' | 'HOLDS' | 'BROKEN' | 'FAILED';

export interface AuditVerificationDoc {
  _id: Types.ObjectId;
  actor: string;
  status: VerificationStatus;
  startedAt: Date;
  /** the last time the run reported progress */
  updatedAt: Date;
  finishedAt: Date | null;
  /** entries checked so far */
  checked: number;
  /** entries in the trail when the run started (an estimate: entries keep coming) */
  total: number;
  brokenAt: number | null;
  reason: string | null;
  error: string | null;
}

/** How often a running verification stores its progress. */
const PROGRESS_EVERY = 1_000;

export class AuditVerifications {
  private running: Promise<void> | null = null;
  private current: Types.ObjectId | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly staleMs = 60_000,
  ) {}

  private get collection() {
    return this.connection.db!.collection<AuditVerificationDoc>('audit_verifications');
  }

  /** Starts a verification, or returns the one this process is running. */
  async start(actor: string, now = new Date()): Promise<AuditVerificationDoc> {
    if (this.current) {
      const doc = await this.collection.findOne({ _id: this.current });
      if (doc) return doc;
    }
    const total = await this.connection.db!.collection('audit_log').estimatedDocumentCount();
    const doc: AuditVerificationDoc = {
      _id: new Types.ObjectId(),
      actor,
      status: 'RUNNING',
      startedAt: now,
      updatedAt: now,
      finishedAt: null,
      checked: 0,
      total,
      brokenAt: null,
      reason: null,
      error: null,
    };
    await this.collection.insertOne(doc);
    this.current = doc._id;
    this.running = this.run(doc._id).finally(() => {
      this.current = null;
      this.running = null;
    });
    return doc;
  }

  private async run(id: Types.ObjectId): Promise<void> {
    let progress = Promise.resolve();
    try {
      const check = await verifyAuditChain(
        this.connection,
        (checked) => {
          // progress is kept in order, one write at a time; a slow write never holds up the check
          progress = progress
            .then(() => this.collection.updateOne({ _id: id, status: 'RUNNING' }, { $set: { checked, updatedAt: new Date() } }))
            .then(
              () => undefined,
              () => undefined,
            );
        },
        PROGRESS_EVERY,
      );
      await progress;
      await this.collection.updateOne(
        { _id: id },
        {
          $set: {
            status: check.ok ? 'HOLDS' : 'BROKEN',
            checked: check.entries,
            brokenAt: check.broken?.id ?? null,
            reason: check.broken?.reason ?? null,
            finishedAt: new Date(),
            updatedAt: new Date(),
          },
        },
      );
    } catch (e) {
      await progress;
      await this.collection
        .updateOne(
          { _id: id },
          { $set: { status: 'FAILED', error: e instanceof Error ? e.message : String(e), finishedAt: new Date(), updatedAt: new Date() } },
        )
        .catch(() => undefined);
    }
  }

  /** The latest runs, newest first; a RUNNING one no process has moved for `staleMs` shows as FAILED. */
  async latest(n: number, now = Date.now()): Promise<AuditVerificationDoc[]> {
    const docs = await this.collection.find({}, { sort: { _id: -1 }, limit: n }).toArray();
    return docs.map((d) =>
      d.status === 'RUNNING' && now - d.updatedAt.getTime() > this.staleMs && !d._id.equals(this.current ?? undefined)
        ? { ...d, status: 'FAILED', error: 'the hub process running it stopped before it finished' }
        : d,
    );
  }

  /** Waits for the running verification (tests, and a stopping hub). */
  async settled(): Promise<void> {
    await this.running;
  }
}
