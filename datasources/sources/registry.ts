/**
 * The registry of data sources, cached in each hub process.
 *
 * Every process keeps all sources in memory (a city has hundreds, not millions) and refreshes the
 * cache when the registry changed: every `refreshMs` (default 2 s) it reads each source's `version`
 * (a small projection), and reloads when any differs. So a registration, change or suspension made
 * on one replica reaches every replica within about `refreshMs`, without a restart.
 */
import { Types } from 'mongoose';
import type { Domain } from '../../domain/records';
import { defaultEntityField, registrationProblems, type Problem, type RegistrationInput } from '../../domain/registration';
import type { DataSourceDoc, Models, SourceKind, SourceStatus } from '../store/models';
import { hashApiKey, looksLikeApiKey, newApiKey } from './api-keys';
import { Periodic } from '../../lib/periodic';
import type { GuardedWrites } from '../store/guarded-writes';
import { collectionOf } from '../store/typed-collection';

export interface SourceSpec {
  name: string;
  department: { code: string; name: string };
  domain: Domain;
  kind: SourceKind;
  regions: string[];
  endpoint?: string | null;
  mapping?: Record<string, string> | null;
  timeoutMs?: number | null;
  entityField?: string | null;
}

/** Registration refused: every problem, each naming its field. */
export class RegistrationError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'RegistrationError';
  }
}

export class SourceNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no data source with id ${id}`);
    this.name = 'SourceNotFoundError';
  }
}

export class SourceRegistry {
  private byId = new Map<string, DataSourceDoc>();
  private byKeyHash = new Map<string, DataSourceDoc>();
  /** `list()` answers by domain and status, until the next change (every request asks several times) */
  private lists = new Map<string, DataSourceDoc[]>();
  private stamp = '';
  /** bumped by every local change, so a concurrent reload knows to keep them */
  private generation = 0;
  private readonly refresher: Periodic;
  private listeners: ((sources: DataSourceDoc[]) => void)[] = [];

  constructor(
    private readonly models: Models,
    private readonly claims: GuardedWrites,
    refreshMs = 2000,
  ) {
    this.refresher = new Periodic(refreshMs, () => this.refresh());
  }

  /** Loads the cache; call once at start. */
  async load(): Promise<void> {
    const generation = this.generation;
    const all = await this.models.DataSource.find().lean<DataSourceDoc[]>();
    if (this.generation !== generation) {
      // This process changed a source while the store was being read: keep the newer of the two,
      // so a source registered a moment ago never drops out of the cache until the next refresh.
      const fetched = new Map(all.map((d) => [d._id.toHexString(), d]));
      for (const [id, mine] of this.byId) {
        const theirs = fetched.get(id);
        if (!theirs || theirs.version < mine.version) fetched.set(id, mine);
      }
      this.replace([...fetched.values()]);
      return;
    }
    this.replace(all);
  }

  private replace(all: DataSourceDoc[]): void {
    this.byId = new Map(all.map((s) => [s._id.toHexString(), s]));
    this.byKeyHash = new Map(all.map((s) => [s.apiKeyHash, s]));
    this.lists.clear();
    this.stamp = stampOf(all);
    for (const l of this.listeners) l(all);
  }

  private put(doc: DataSourceDoc): void {
    this.generation++;
    const old = this.byId.get(doc._id.toHexString());
    if (old) this.byKeyHash.delete(old.apiKeyHash);
    this.byId.set(doc._id.toHexString(), doc);
    this.byKeyHash.set(doc.apiKeyHash, doc);
    this.lists.clear();
    this.stamp = stampOf([...this.byId.values()]);
    const all = [...this.byId.values()];
    for (const l of this.listeners) l(all);
  }

  /** Called with every source after each change seen by this process (connectors reconfigure). */
  onChange(listener: (sources: DataSourceDoc[]) => void): void {
    this.listeners.push(listener);
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
    this.refresher.start(onError);
  }

  stop(): void {
    this.refresher.stop();
  }

  get(id: string | Types.ObjectId): DataSourceDoc | undefined {
    return this.byId.get(typeof id === 'string' ? id : id.toHexString());
  }

  /** The source a department's API key acts for, or undefined. A key issued on another replica a moment ago is looked up in the store. */
  async byApiKey(key: string): Promise<DataSourceDoc | undefined> {
    if (!looksLikeApiKey(key)) return undefined;
    const hash = hashApiKey(key);
    const cached = this.byKeyHash.get(hash);
    if (cached) return cached;
    const stored = await this.models.DataSource.findOne({ apiKeyHash: hash }).lean<DataSourceDoc>();
    if (stored) this.put(stored);
    return stored ?? undefined;
  }

  list(domain?: Domain | null, status?: SourceStatus | null): DataSourceDoc[] {
    // Sorting 285 sources by their Chinese names took 5 % of the hub's time in the dossier benchmark
    // (`localeCompare` with a locale builds a collator per call): kept until the registry changes.
    const key = `${domain ?? ''}|${status ?? ''}`;
    let list = this.lists.get(key);
    if (!list) {
      list = [...this.byId.values()]
        .filter((s) => (!domain || s.domain === domain) && (!status || s.status === status))
        .sort((a, b) => NAME_ORDER.compare(a.name, b.name) || a._id.toHexString().localeCompare(b._id.toHexString()));
      this.lists.set(key, list);
    }
    return [...list];
  }

  /** Registers a source and issues its API key (returned once, stored as a hash). */
  async register(input: RegistrationInput, now = new Date()): Promise<{ source: DataSourceDoc; apiKey: string }> {
    const problems = registrationProblems(input);
    if (problems.length === 0) await this.checkUniqueName(input.department!.code!, input.name!.trim(), undefined, problems);
    if (problems.length > 0) throw new RegistrationError(problems);
    const apiKey = newApiKey();
    const kind = input.kind as SourceKind;
    const doc = {
      _id: new Types.ObjectId(),
      name: input.name!.trim(),
      department: { code: input.department!.code!.trim(), name: input.department!.name!.trim() },
      domain: input.domain as Domain,
      kind,
      regions: [...new Set(input.regions!)],
      endpoint: kind === 'HOSTED' ? null : stripSlash(input.endpoint!),
      mapping: (input.mapping as Record<string, string> | undefined) ?? null,
      timeoutMs: input.timeoutMs ?? null,
      entityField: kind === 'SUBGRAPH' ? (input.entityField ?? defaultEntityField(input.domain as Domain)) : null,
      status: 'ACTIVE' as const,
      suspendedReason: null,
      apiKeyHash: hashApiKey(apiKey),
      health: { consecutiveFailures: 0, droppedRecords: 0 },
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies DataSourceDoc;
    try {
      await this.models.DataSource.collection.insertOne(doc);
    } catch (e: any) {
      if (e?.code === 11000)
        throw new RegistrationError([
          { field: 'name', message: `a source named "${doc.name}" is already registered for department ${doc.department.code}` },
        ]);
      throw e;
    }
    this.put(doc);
    return { source: doc, apiKey };
  }

  /** Changes a source; only the fields given change. Bumps its version. */
  async update(id: string, input: RegistrationInput, now = new Date()): Promise<DataSourceDoc> {
    const current = this.mustGet(id);
    const problems = registrationProblems(input, { partial: true, current });
    if (problems.length === 0 && (input.name || input.department?.code)) {
      await this.checkUniqueName(
        input.department?.code ?? current.department.code,
        input.name?.trim() ?? current.name,
        current._id,
        problems,
      );
    }
    if (problems.length > 0) throw new RegistrationError(problems);
    const set: Record<string, unknown> = { updatedAt: now };
    if (input.name) set.name = input.name.trim();
    if (input.department) set.department = { code: input.department.code!.trim(), name: input.department.name!.trim() };
    if (input.regions) set.regions = [...new Set(input.regions)];
    if (input.endpoint) set.endpoint = stripSlash(input.endpoint);
    if (input.mapping !== undefined) set.mapping = input.mapping ?? null;
    if (input.timeoutMs !== undefined) set.timeoutMs = input.timeoutMs ?? null;
    if (input.entityField) set.entityField = input.entityField;
    return this.change(current, set);
  }

  async suspend(id: string, reason: string, now = new Date()): Promise<DataSourceDoc> {
    const current = this.mustGet(id);
    if (!reason.trim()) throw new RegistrationError([{ field: 'reason', message: 'is required' }]);
    return this.change(current, { status: 'SUSPENDED', suspendedReason: reason.trim(), updatedAt: now });
  }

  async activate(id: string, now = new Date()): Promise<DataSourceDoc> {
    return this.change(this.mustGet(id), { status: 'ACTIVE', suspendedReason: null, updatedAt: now });
  }

  /** Issues a new API key; the old one stops working at once on this replica and within `refreshMs` on the others. */
  async rotateKey(id: string, now = new Date()): Promise<{ source: DataSourceDoc; apiKey: string }> {
    const apiKey = newApiKey();
    const source = await this.change(this.mustGet(id), { apiKeyHash: hashApiKey(apiKey), updatedAt: now });
    return { source, apiKey };
  }

  /**
   * Registers a source unless one of the same department and name exists (the demo seed registers
   * the same offices on every run). Its API key is not returned: rotate it to get one.
   */
  async ensure(spec: SourceSpec, now = new Date()): Promise<DataSourceDoc> {
    const existing = await this.models.DataSource.findOne({
      'department.code': spec.department.code,
      name: spec.name,
    }).lean<DataSourceDoc>();
    if (existing) {
      this.put(existing);
      return existing;
    }
    return (await this.register(spec, now)).source;
  }

  private mustGet(id: string): DataSourceDoc {
    const s = /^[0-9a-f]{24}$/i.test(id) ? this.get(id) : undefined;
    if (!s) throw new SourceNotFoundError(id);
    return s;
  }

  private async checkUniqueName(departmentCode: string, name: string, except: Types.ObjectId | undefined, problems: Problem[]) {
    const clash = await this.models.DataSource.findOne({ 'department.code': departmentCode, name }, { _id: 1 }).lean();
    if (clash && !(except && clash._id.equals(except))) {
      problems.push({ field: 'name', message: `a source named "${name}" is already registered for department ${departmentCode}` });
    }
  }

  /**
   * Writes an administrator's change as the source's next version, claimed (claimed-writes.ts): on
   * FerretDB a plain update beside another one (another administrator, another replica) could be
   * written over while both were told they were stored, and a suspension or a new key undone.
   */
  private async change(current: DataSourceDoc, set: Record<string, unknown>): Promise<DataSourceDoc> {
    const { doc } = await this.claims.change(collectionOf(this.models.DataSource), current._id, () => set, { current, attempts: 10 });
    if (!doc) throw new SourceNotFoundError(current._id.toHexString());
    this.put(doc);
    return doc;
  }
}

function stripSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Chinese names in dictionary (pinyin) order. */
const NAME_ORDER = new Intl.Collator('zh-CN');

function stampOf(sources: Pick<DataSourceDoc, '_id' | 'version'>[]): string {
  return sources
    .map((s) => `${s._id.toHexString()}.${s.version}`)
    .sort()
    .join(',');
}
