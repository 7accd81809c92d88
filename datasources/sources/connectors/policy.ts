/**
 * The one resilience policy every live source is called through, whatever its kind (cockatiel, a
 * small maintained library on Polly's model, whose timeout hands an AbortSignal to fetch, so a
 * hanging department costs one timeout, not a stuck socket). Per source:
 *
 *   timeout (per source, default 2 s, for the whole call including a retry)
 *     → retry once after 100 ms on errors other than a timeout or an open circuit (reads only)
 *       → circuit breaker (opens after 5 consecutive failures, probes again after 10 s)
 *         → bulkhead (at most 8 calls in flight per source, 32 waiting)
 *
 * Every call's outcome goes to the source's health: its latency and record count, or why it failed.
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { DataSourceDoc } from '../../store/models';
import type { CircuitState as HealthCircuit, SourceHealthTracker } from '../health';
import { SourceCallError } from './connector';

export const DEFAULT_SOURCE_TIMEOUT_MS = 2000;

/** cockatiel's breaker states as the health reports them; an isolated circuit (never used here) is open */
const CIRCUIT_STATES: Record<CircuitState, HealthCircuit> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'OPEN',
};

export class ResiliencePolicy {
  private readonly policy: IPolicy;
  private readonly timeoutMs: number;

  constructor(
    private readonly source: DataSourceDoc,
    private readonly health: SourceHealthTracker,
  ) {
    this.timeoutMs = source.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
    const retryable = handleWhen(
      (e) => !(e instanceof BrokenCircuitError) && !(e instanceof TaskCancelledError) && !(e instanceof BulkheadRejectedError),
    );
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

  private get id(): string {
    return this.source._id.toHexString();
  }

  /**
   * Runs one call of the source under the policy and notes its outcome in the source's health:
   * on success its latency and `count(answer)` records; otherwise why, thrown as a SourceCallError.
   */
  async execute<T>(call: (signal: AbortSignal) => Promise<T>, count: (answer: T) => number): Promise<T> {
    const started = Date.now();
    try {
      const answer = await this.policy.execute(({ signal }) => call(signal));
      this.health.success(this.source, Date.now() - started, count(answer));
      return answer;
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

  private describe(e: unknown): SourceCallError {
    if (e instanceof SourceCallError) return e;
    const name = this.source.name;
    if (e instanceof TaskCancelledError) return new SourceCallError(this.id, `${name}: no answer within ${this.timeoutMs} ms`);
    if (e instanceof BrokenCircuitError) {
      // the skip says why: the real error that opened the circuit (health keeps it; the skip is not one)
      const last = this.health.current(this.source).lastError?.replace(`${name}: `, '');
      return new SourceCallError(
        this.id,
        `${name}: skipped while its circuit is open after repeated failures${last ? ` (last error: ${last.slice(0, 200)})` : ''}; it is probed again shortly`,
      );
    }
    if (e instanceof BulkheadRejectedError) return new SourceCallError(this.id, `${name}: too many calls in flight to this source`);
    let message = e instanceof Error ? e.message : String(e);
    // undici says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND …) is in its cause
    const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
    if (cause?.code || cause?.message) message += ` (${cause.code ?? cause.message})`;
    return new SourceCallError(this.id, `${name}: ${message.slice(0, 300)}`);
  }
}
