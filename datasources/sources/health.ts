/**
 * Live health of every source as this process sees it: last success, last error, consecutive
 * failures, calls skipped while its circuit is open, the circuit's state, p95 latency, last record
 * received, records dropped as invalid. Kept in memory on the hot path and written to the store
 * every few seconds (a write per call would cost more than the call).
 * With several replicas each writes its own view; the newest write is what `DataSource.health` shows
 * where this process has no view of its own (read at start, and back after each flush that wrote).
 *
 * Health has its own collection, `source_health` (one document per source), not a field of the
 * source's registry document: on FerretDB an update writes the whole document back, so a health
 * write every few seconds beside an administrator's change could write the old status or key back
 * over a suspension or a key rotation (claimed-writes.ts). Registry documents of earlier versions
 * still carry a `health` field, read where `source_health` has nothing yet.
 */
import type { Collection } from 'mongodb';
import type { DataSourceDoc, Models, SourceHealth } from '../store/models';
import { Periodic } from '../../lib/periodic';
import { upsertRetrying } from '../store/single-updates';

export const SOURCE_HEALTH_COLLECTION = 'source_health';

type HealthDoc = SourceHealth & { _id: string; at: Date };

interface Tracked {
  health: SourceHealth;
  /** [when, ms] of the latest calls, oldest first */
  latencies: [number, number][];
  dirty: boolean;
}

/** Latencies the p95 is taken over: the calls of the last minute, at most this many. */
const WINDOW = 200;
const WINDOW_MS = 60_000;

export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export class SourceHealthTracker {
  private tracked = new Map<string, Tracked>();
  /** what the store holds, read back on every flush: other replicas' views */
  private stored = new Map<string, SourceHealth>();
  private readonly flusher: Periodic;

  constructor(
    private readonly models: Models,
    flushMs = 3000,
  ) {
    this.flusher = new Periodic(flushMs, () => this.flush());
  }

  private get collection(): Collection<HealthDoc> {
    return this.models.DataSource.db.db!.collection<HealthDoc>(SOURCE_HEALTH_COLLECTION);
  }

  /** Reads every source's stored health; at start, and after each flush. */
  async load(): Promise<void> {
    const docs = await this.collection.find({}).toArray();
    this.stored = new Map(docs.map(({ _id, at: _at, ...health }) => [_id, health]));
  }

  private entry(id: string, legacy?: SourceHealth): Tracked {
    let t = this.tracked.get(id);
    if (!t) {
      t = {
        health: { consecutiveFailures: 0, droppedRecords: 0, skippedWhileOpen: 0, ...(this.stored.get(id) ?? legacy) },
        latencies: [],
        dirty: false,
      };
      this.tracked.set(id, t);
    }
    return t;
  }

  success(source: DataSourceDoc, latencyMs: number, records: number, at = new Date()): void {
    const t = this.entry(source._id.toHexString(), source.health);
    t.health.lastSuccessAt = at;
    t.health.consecutiveFailures = 0;
    t.health.skippedWhileOpen = 0;
    if (records > 0) t.health.lastRecordAt = at;
    this.latency(t, latencyMs, at);
    t.dirty = true;
  }

  /**
   * A call that reached the source and failed, or got no answer in time. `latencyMs` is what the
   * caller waited: a timeout counts at its full duration, so a source that hangs shows in the p95.
   */
  failure(source: DataSourceDoc, message: string, latencyMs: number | null, at = new Date()): void {
    const t = this.entry(source._id.toHexString(), source.health);
    t.health.lastErrorAt = at;
    t.health.lastError = message.slice(0, 500);
    t.health.consecutiveFailures = (t.health.consecutiveFailures ?? 0) + 1;
    if (latencyMs !== null) this.latency(t, latencyMs, at);
    t.dirty = true;
  }

  /**
   * A call the hub did not send because the source's circuit is open. Not a failure of the source:
   * counted apart, so `consecutiveFailures` and `lastError` keep saying what really went wrong, and
   * without a latency (an instant refusal would hide the slow calls that opened the circuit).
   */
  skipped(source: DataSourceDoc): void {
    const t = this.entry(source._id.toHexString(), source.health);
    t.health.skippedWhileOpen = (t.health.skippedWhileOpen ?? 0) + 1;
    t.dirty = true;
  }

  /** The source's circuit breaker changed state (this process's breaker). */
  circuit(source: DataSourceDoc, state: CircuitState): void {
    // a connector made for a source not called yet: nothing to note
    if (state === 'CLOSED' && !this.tracked.has(source._id.toHexString())) return;
    const t = this.entry(source._id.toHexString(), source.health);
    if ((t.health.circuit ?? 'CLOSED') === state) return;
    t.health.circuit = state;
    t.dirty = true;
  }

  dropped(source: DataSourceDoc, count: number): void {
    if (count <= 0) return;
    const t = this.entry(source._id.toHexString(), source.health);
    t.health.droppedRecords = (t.health.droppedRecords ?? 0) + count;
    t.dirty = true;
  }

  /** A push to a hosted source delivered records. */
  delivered(source: DataSourceDoc, at = new Date()): void {
    const t = this.entry(source._id.toHexString(), source.health);
    t.health.lastRecordAt = at;
    t.health.lastSuccessAt = at;
    t.health.consecutiveFailures = 0;
    t.dirty = true;
  }

  /** The source's health: this process's view where it has one, else what the store holds. */
  current(source: DataSourceDoc): SourceHealth {
    const id = source._id.toHexString();
    return this.tracked.get(id)?.health ?? this.stored.get(id) ?? source.health ?? { consecutiveFailures: 0, droppedRecords: 0 };
  }

  /**
   * Over the last minute's calls, not the last 200: after a long healthy spell, a handful of
   * timeouts among 200 quick answers stayed under the 95th percentile (8 ms shown through three
   * 2,000 ms timeouts).
   */
  private latency(t: Tracked, ms: number, at: Date): void {
    const now = at.getTime();
    t.latencies.push([now, ms]);
    while (t.latencies.length > WINDOW || t.latencies[0][0] < now - WINDOW_MS) t.latencies.shift();
    const sorted = t.latencies.map(([, v]) => v).sort((a, b) => a - b);
    t.health.p95LatencyMs = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  }

  /**
   * Writes changed health to the store (health changes do not bump the registry version), then, if
   * it wrote any, reads all back (an idle hub sends nothing).
   */
  async flush(): Promise<void> {
    const writes = [...this.tracked.entries()].filter(([, t]) => t.dirty);
    if (writes.length === 0) return;
    for (const [id, t] of writes) {
      t.dirty = false;
      const doc: HealthDoc = { ...t.health, _id: id, at: new Date() };
      await upsertRetrying(() => this.collection.replaceOne({ _id: id }, doc, { upsert: true }));
    }
    await this.load();
  }

  start(onError: (e: unknown) => void = () => undefined): void {
    this.flusher.start(onError);
  }

  stop(): void {
    this.flusher.stop();
  }
}
