/**
 * Trusted (persisted) operations: the operations a front end ships, registered by their SHA-256.
 * Where required, procurators' and departments' requests must be one of them; analysts keep
 * ad-hoc queries within the cost budget.
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { DUPLICATE_KEY } from '../store/single-updates';

export interface TrustedOperation {
  _id: string;
  name: string;
  query: string;
  registeredAt: Date;
  registeredBy: string;
}

export function operationHash(query: string): string {
  return createHash('sha256').update(query, 'utf8').digest('hex');
}

export class TrustedOperations {
  private known = new Set<string>();

  constructor(private readonly connection: Connection) {}

  private get collection() {
    return this.connection.db!.collection<TrustedOperation>('trusted_operations');
  }

  async load(): Promise<void> {
    const all = await this.collection.find({}, { projection: { _id: 1 } }).toArray();
    this.known = new Set(all.map((o) => o._id));
  }

  /** Whether this exact operation text is registered (a hash registered on another replica is looked up). */
  async isTrusted(query: string): Promise<boolean> {
    const hash = operationHash(query);
    if (this.known.has(hash)) return true;
    const found = await this.collection.findOne({ _id: hash }, { projection: { _id: 1 } });
    if (found) this.known.add(hash);
    return !!found;
  }

  async register(name: string, query: string, by: string, now = new Date()): Promise<TrustedOperation> {
    const op: TrustedOperation = { _id: operationHash(query), name, query, registeredAt: now, registeredBy: by };
    try {
      await this.collection.updateOne({ _id: op._id }, { $setOnInsert: op }, { upsert: true });
    } catch (e) {
      // two replicas starting together register the same operations: the one whose upsert lost the
      // race finds it registered (FerretDB does not retry such an upsert; MongoDB may)
      if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
    }
    this.known.add(op._id);
    return (await this.collection.findOne({ _id: op._id }))!;
  }

  list(): Promise<TrustedOperation[]> {
    return this.collection.find({}, { sort: { registeredAt: -1 } }).toArray();
  }
}
