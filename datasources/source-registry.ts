/**
 * The registry of data sources, cached in each hub process.
 *
 * Every process keeps all sources in memory (a city has hundreds, not millions) and refreshes the
 * cache when the store's registry changed: a cheap check of every source's `version` every
 * `refreshMs` (default 2 s), so a registration reaches every replica within a few seconds.
 */
import { Types } from 'mongoose';
import type { Domain } from '../domain/records';
import type { DataSourceDoc, Models, SourceKind, SourceStatus } from './models';

export interface SourceSpec {
  name: string;
  department: { code: string; name: string };
  domain: Domain;
  kind: SourceKind;
  regions: string[];
  endpoint?: string | null;
  mapping?: Record<string, string> | null;
}

export class SourceRegistry {
  private byId = new Map<string, DataSourceDoc>();
  private stamp = '';
  private timer?: NodeJS.Timeout;

  constructor(private readonly models: Models, private readonly refreshMs = 2000) {}

  /** Loads the cache; call once at start. */
  async load(): Promise<void> {
    const all = await this.models.DataSource.find().lean<DataSourceDoc[]>();
    this.byId = new Map(all.map((s) => [s._id.toHexString(), s]));
    this.stamp = stampOf(all);
  }

  /** Reloads when any source was added, changed or removed since the last load. */
  async refresh(): Promise<boolean> {
    const versions = await this.models.DataSource.find({}, { version: 1 }).lean<Pick<DataSourceDoc, '_id' | 'version'>[]>();
    if (stampOf(versions) === this.stamp) return false;
    await this.load();
    return true;
  }

  /** Starts the periodic refresh; store errors are left to the next tick (the store may be restarting). */
  start(onError: (error: unknown) => void = () => undefined): void {
    this.stop();
    this.timer = setInterval(() => { this.refresh().catch(onError); }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get(id: string | Types.ObjectId): DataSourceDoc | undefined {
    return this.byId.get(typeof id === 'string' ? id : id.toHexString());
  }

  list(domain?: Domain | null, status?: SourceStatus | null): DataSourceDoc[] {
    return [...this.byId.values()]
      .filter((s) => (!domain || s.domain === domain) && (!status || s.status === status))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a._id.toHexString().localeCompare(b._id.toHexString()));
  }

  /**
   * Registers a source, or returns the existing one of the same department and name
   * (the seed registers the same offices on every run).
   */
  async ensure(spec: SourceSpec, now = new Date()): Promise<DataSourceDoc> {
    const existing = await this.models.DataSource
      .findOne({ 'department.code': spec.department.code, name: spec.name })
      .lean<DataSourceDoc>();
    if (existing) {
      this.byId.set(existing._id.toHexString(), existing);
      return existing;
    }
    const created = await this.models.DataSource.create({
      ...spec, status: 'ACTIVE', version: 1, createdAt: now, updatedAt: now,
    });
    const doc = created.toObject() as DataSourceDoc;
    this.byId.set(doc._id.toHexString(), doc);
    return doc;
  }
}

function stampOf(sources: Pick<DataSourceDoc, '_id' | 'version'>[]): string {
  return sources.map((s) => `${s._id.toHexString()}.${s.version}`).sort().join(',');
}
