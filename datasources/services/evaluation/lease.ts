/**
 * Only one evaluation runs at a time across all hub replicas: the run holds a lease, one document in
 * `evaluation_lock` renewed while the run lasts; a run that finds the lease taken does not start, and
 * one that finds it passed on stops.
 *
 * The lease document is never deleted; every change of it (take, renew, give back) goes through a
 * claimed write (claimed-writes.ts). A guarded update alone would not do on FerretDB 1.24, which
 * checks `until < now` on its read and writes back unguarded: two replicas finding one expired lease
 * could both take it, and a late renewal could write the old holder back over a takeover.
 */
import type { Collection } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';
import { ConcurrentChangeError, type GuardedWrites } from '../../store/guarded-writes';
import { DUPLICATE_KEY } from '../../store/single-updates';

interface LockDoc {
  _id: string;
  holder: string | null;
  until: Date;
  version?: number;
}
const LEASE_ID = 'evaluation';
const lockSchema = new Schema<LockDoc>(
  { _id: String, holder: String, until: Date, version: Number },
  { versionKey: false, autoIndex: false, collection: 'evaluation_lock' },
);

export interface EvaluationLeaseOptions {
  connection: Connection;
  claims: GuardedWrites;
  /** how long the lease lasts without renewal */
  leaseMs?: number;
}

export class EvaluationLease {
  private readonly Lock: Model<LockDoc>;
  private readonly claims: GuardedWrites;
  private readonly leaseMs: number;

  constructor(options: EvaluationLeaseOptions) {
    const { connection } = options;
    this.Lock = (connection.models.EvaluationLock as Model<LockDoc> | undefined) ?? connection.model<LockDoc>('EvaluationLock', lockSchema);
    this.claims = options.claims;
    this.leaseMs = options.leaseMs ?? 120_000;
  }

  async ensureIndexes(): Promise<void> {
    await this.Lock.createCollection().catch(() => undefined);
    await this.Lock.createIndexes();
  }

  private get lockCollection(): Collection<LockDoc> {
    return this.Lock.collection as unknown as Collection<LockDoc>;
  }

  /** Takes the lease for `holder`; false when another holder's lease has not expired. */
  async acquire(holder: string): Promise<boolean> {
    const until = new Date(Date.now() + this.leaseMs);
    try {
      await this.lockCollection.insertOne({ _id: LEASE_ID, holder, until });
      return true;
    } catch (e) {
      if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
    }
    try {
      const { doc, written } = await this.claims.change(
        this.lockCollection,
        LEASE_ID,
        (lease) => (lease.holder && lease.until.getTime() > Date.now() ? null : { holder, until }),
        { attempts: 1 },
      );
      return written && doc?.holder === holder;
    } catch (e) {
      if (e instanceof ConcurrentChangeError) return false; // another replica took it first
      throw e;
    }
  }

  /** Who holds the lease now (null: nobody, or an expired holder). */
  async holder(): Promise<string | null> {
    const lease = await this.lockCollection.findOne({ _id: LEASE_ID });
    return lease?.holder && lease.until.getTime() > Date.now() ? lease.holder : null;
  }

  /** Extends the holder's lease; false when another replica holds it (this holder's lease had expired). */
  async renew(holder: string): Promise<boolean> {
    const { doc } = await this.claims.change(this.lockCollection, LEASE_ID, (lease) =>
      lease.holder === holder ? { until: new Date(Date.now() + this.leaseMs) } : null,
    );
    return doc?.holder === holder;
  }

  /** Gives the lease back, if the holder still holds it. */
  async release(holder: string): Promise<void> {
    await this.claims.change(this.lockCollection, LEASE_ID, (lease) =>
      lease.holder === holder ? { holder: null, until: new Date(0) } : null,
    );
  }
}
