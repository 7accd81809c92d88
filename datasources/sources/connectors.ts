/**
 * Live connectors: the hub calling a department's own system at query time.
 *
 * REST source protocol v1 (API.md) and its GraphQL twin (a `records(...)` field answering
 * `{ records, nextCursor, total }`). Every call goes through one cockatiel policy per source:
 *
 *   timeout (per source, default 2 s, for the whole call including a retry)
 *     → retry once after 100 ms on errors other than a timeout or an open circuit (reads only)
 *       → circuit breaker (opens after 5 consecutive failures, probes again after 10 s)
 *         → bulkhead (at most 8 calls in flight per source, 32 waiting)
 *
 * cockatiel is a small, maintained resilience library (Polly's model) whose timeout hands an
 * AbortSignal to fetch, so a hanging department costs one timeout, not a stuck socket.
 *
 * Records a source sends pass the same validation as ingest; invalid ones are dropped, counted in
 * the source's health, and never shown.
 */
import { createHash } from 'node:crypto';
import {
  BrokenCircuitError, BulkheadRejectedError, CircuitState, ConsecutiveBreaker, ExponentialBackoff, TaskCancelledError, TimeoutStrategy,
  bulkhead, circuitBreaker, handleAll, handleWhen, retry, timeout, wrap, type IPolicy,
} from 'cockatiel';
import { Types } from 'mongoose';
import { regionPath } from '../../domain/regions';
import { validateRecord, type ValidationOptions } from '../../domain/records';
import type { AnyRecordDoc, DataSourceDoc } from '../store/models';
import type { CircuitState as HealthCircuit, SourceHealthTracker } from './health';

export const DEFAULT_SOURCE_TIMEOUT_MS = 2000;

export interface ListParams {
  regions?: readonly string[] | null;
  eventFrom?: Date | null;
  eventTo?: Date | null;
  idNumber?: string | null;
  /** the domain's own filters, passed on for the department to apply (the hub applies them too) */
  extra?: Record<string, string>;
  limit: number;
  cursor?: string | null;
}

export interface LivePage {
  records: AnyRecordDoc[];
  nextCursor: string | null;
  total: number;
}

/** A live source failed; the message says how, for `SOURCE_UNAVAILABLE` and the source's health. */
export class SourceCallError extends Error {
  constructor(readonly sourceId: string, message: string) {
    super(message);
    this.name = 'SourceCallError';
  }
}

/** The hub's stable id for a live record: derived from (source, department id), 24 hex digits. */
export function liveRecordId(sourceId: string, externalId: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`${sourceId}\u0000${externalId}`).digest('hex').slice(0, 24));
}

export class LiveConnector {
  private readonly policy: IPolicy;
  readonly timeoutMs: number;

  constructor(readonly source: DataSourceDoc, private readonly health: SourceHealthTracker, private readonly validation: Pick<ValidationOptions, 'futureSkewMs'> = {}) {
    this.timeoutMs = source.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
    const retryable = handleWhen((e) => !(e instanceof BrokenCircuitError) && !(e instanceof TaskCancelledError) && !(e instanceof BulkheadRejectedError));
    const breaker = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
    // a new connector (the source changed) starts with a closed circuit, whatever the last one's was
    health.circuit(source, 'CLOSED');
    breaker.onStateChange((state) => health.circuit(source, CIRCUIT_STATES[state]));
    this.policy = wrap(
      timeout(this.timeoutMs, TimeoutStrategy.Aggressive),
      retry(retryable, { maxAttempts: 1, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 500 }) }),
      breaker,
      bulkhead(8, 32),
    );
  }

  get id(): string {
    return this.source._id.toHexString();
  }

  /** Every record of these persons (one request for the whole batch). */
  async byIdNumbers(idNumbers: readonly string[]): Promise<AnyRecordDoc[]> {
    const body = await this.call({ idNumbers: idNumbers.join(',') }, { idNumbers: [...idNumbers] });
    return this.accept(body).records;
  }

  /** One page of the source's list, in its own order. */
  async list(params: ListParams): Promise<LivePage> {
    const q: Record<string, string> = { limit: String(params.limit) };
    if (params.regions?.length) q.regions = params.regions.join(',');
    if (params.eventFrom) q.eventFrom = params.eventFrom.toISOString();
    if (params.eventTo) q.eventTo = params.eventTo.toISOString();
    if (params.idNumber) q.idNumber = params.idNumber;
    if (params.cursor) q.cursor = params.cursor;
    const vars: Record<string, unknown> = {
      regions: params.regions ?? null, eventFrom: q.eventFrom ?? null, eventTo: q.eventTo ?? null,
      idNumber: params.idNumber ?? null, limit: params.limit, cursor: params.cursor ?? null,
    };
    const body = await this.call({ ...q, ...params.extra }, vars);
    return this.accept(body);
  }

  /** Whether the department's system answers its health check. */
  async probe(): Promise<void> {
    const started = Date.now();
    try {
      await this.policy.execute(async ({ signal }) => {
        if (this.source.kind === 'GRAPHQL') await this.post({ query: '{ __typename }' }, signal);
        else await this.get('/health', {}, signal);
      });
      this.health.success(this.source, Date.now() - started, 0);
    } catch (e) {
      throw this.failed(e, started);
    }
  }

  private async call(query: Record<string, string>, variables: Record<string, unknown>): Promise<unknown> {
    const started = Date.now();
    try {
      const body = await this.policy.execute(({ signal }) => this.source.kind === 'GRAPHQL'
        ? this.post({ query: RECORDS_QUERY, variables }, signal).then((b) => graphqlRecords(b))
        : this.get('/records', query, signal));
      this.health.success(this.source, Date.now() - started, Array.isArray((body as any)?.records) ? (body as any).records.length : 0);
      return body;
    } catch (e) {
      throw this.failed(e, started);
    }
  }

  /**
   * Notes a call that did not succeed in the source's health, and says why. A call skipped by the
   * open circuit is not a failure of the source (it was not asked); a timeout counts in the latency
   * at its full duration; a call the bulkhead refused at once adds no latency (an instant refusal
   * would pull the p95 down just when the source is too slow).
   */
  private failed(e: unknown, started: number): SourceCallError {
    const err = this.describe(e);
    if (e instanceof BrokenCircuitError) this.health.skipped(this.source);
    // refused by the bulkhead without waiting: no latency of the source's to note
    else if (e instanceof BulkheadRejectedError) this.health.failure(this.source, err.message, null);
    else this.health.failure(this.source, err.message, e instanceof TaskCancelledError ? this.timeoutMs : Date.now() - started);
    return err;
  }

  private async get(path: string, query: Record<string, string>, signal: AbortSignal): Promise<unknown> {
    const url = new URL(this.source.endpoint + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
    return readJson(res);
  }

  private async post(body: unknown, signal: AbortSignal): Promise<unknown> {
    const res = await fetch(this.source.endpoint!, {
      method: 'POST', signal, body: JSON.stringify(body),
      headers: { accept: 'application/json', 'content-type': 'application/json' },
    });
    const json = await readJson(res) as { data?: unknown; errors?: { message?: string }[] };
    if (json?.errors?.length) throw new Error(`GraphQL error: ${String(json.errors[0]?.message ?? 'unknown').slice(0, 200)}`);
    return json;
  }

  /** Validates, renames and stamps the records of an answer; drops and counts invalid ones. */
  private accept(body: unknown): LivePage {
    const b = body as { records?: unknown; nextCursor?: unknown; total?: unknown };
    if (!b || !Array.isArray(b.records)) throw new SourceCallError(this.id, `${this.source.name}: answer has no "records" array`);
    const now = new Date();
    const records: AnyRecordDoc[] = [];
    let dropped = 0;
    for (const raw of b.records) {
      const checked = validateRecord(this.source.domain, rename(raw, this.source.mapping), { ...this.validation, now });
      if (!checked.ok || !this.source.regions.some((p) => checked.record.region.startsWith(p))) { dropped++; continue; }
      const doc: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(checked.record)) if (v !== undefined && v !== null) doc[k] = v;
      doc._id = liveRecordId(this.id, checked.record.externalId);
      doc.sourceId = this.source._id;
      doc.regionPath = regionPath(checked.record.region);
      doc.recordedAt = now;
      records.push(doc as unknown as AnyRecordDoc);
    }
    this.health.dropped(this.source, dropped);
    const total = typeof b.total === 'number' && Number.isFinite(b.total) ? b.total : records.length;
    return { records, nextCursor: typeof b.nextCursor === 'string' && b.nextCursor ? b.nextCursor : null, total };
  }

  private describe(e: unknown): SourceCallError {
    if (e instanceof SourceCallError) return e;
    const name = this.source.name;
    if (e instanceof TaskCancelledError) return new SourceCallError(this.id, `${name}: no answer within ${this.timeoutMs} ms`);
    if (e instanceof BrokenCircuitError) {
      // the skip says why: the real error that opened the circuit (health keeps it; the skip is not one)
      const last = this.health.current(this.source).lastError?.replace(`${name}: `, '');
      return new SourceCallError(this.id, `${name}: skipped while its circuit is open after repeated failures${last ? ` (last error: ${last.slice(0, 200)})` : ''}; it is probed again shortly`);
    }
    if (e instanceof BulkheadRejectedError) return new SourceCallError(this.id, `${name}: too many calls in flight to this source`);
    let message = e instanceof Error ? e.message : String(e);
    // undici says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND …) is in its cause
    const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
    if (cause?.code || cause?.message) message += ` (${cause.code ?? cause.message})`;
    return new SourceCallError(this.id, `${name}: ${message.slice(0, 300)}`);
  }
}

/** cockatiel's breaker states as the health reports them; an isolated circuit (never used here) is open */
const CIRCUIT_STATES: Record<CircuitState, HealthCircuit> = {
  [CircuitState.Closed]: 'CLOSED', [CircuitState.Open]: 'OPEN', [CircuitState.HalfOpen]: 'HALF_OPEN', [CircuitState.Isolated]: 'OPEN',
};

const RECORDS_QUERY = `query HubRecords($idNumbers: [String!], $regions: [String!], $eventFrom: String, $eventTo: String, $idNumber: String, $limit: Int, $cursor: String) {
  records(idNumbers: $idNumbers, regions: $regions, eventFrom: $eventFrom, eventTo: $eventTo, idNumber: $idNumber, limit: $limit, cursor: $cursor) { records nextCursor total }
}`;

function graphqlRecords(body: unknown): unknown {
  const data = (body as { data?: { records?: unknown } })?.data;
  if (!data || typeof data.records !== 'object' || data.records === null) throw new Error('GraphQL answer has no data.records');
  return data.records;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 120)}` : ''}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`answered with malformed JSON (${text.length} bytes)`);
  }
}

/** Applies a registration's field renames (remote name → hub name) to one record. */
function rename(raw: unknown, mapping: Record<string, string> | null | undefined): unknown {
  if (!mapping || !raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) out[Object.hasOwn(mapping, k) ? mapping[k] : k] = v;
  return out;
}

/**
 * One connector per live source, rebuilt when the source changes (new endpoint, timeout, mapping),
 * so breakers and bulkheads persist across requests.
 */
export class ConnectorPool {
  private connectors = new Map<string, { version: number; connector: LiveConnector }>();

  constructor(private readonly health: SourceHealthTracker, private readonly validation: Pick<ValidationOptions, 'futureSkewMs'> = {}) {}

  for(source: DataSourceDoc): LiveConnector {
    const id = source._id.toHexString();
    const have = this.connectors.get(id);
    if (have && have.version === source.version) return have.connector;
    const connector = new LiveConnector(source, this.health, this.validation);
    this.connectors.set(id, { version: source.version, connector });
    return connector;
  }
}
