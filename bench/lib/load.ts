/**
 * Drives load at one server with autocannon (maintained by the Node.js performance people, HTTP/1.1
 * keep-alive, pipelining off, per-request bodies) and summarises what a user feels.
 */
import autocannon from 'autocannon';

export interface HttpRequest {
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  url: string;
  /** request i of the run (bodies rotate through parameters) */
  request: (i: number) => HttpRequest;
  connections: number;
  durationS: number;
  /** a request slower than this counts as a timeout (seconds) */
  timeoutS: number;
  /** a response the scenario does not accept (GraphQL errors, a wrong status) */
  bad?: (status: number, body: string) => string | null;
  /** sequential runs: keep every answer's body (`bodies`), to compare answers across contenders */
  keepBodies?: boolean;
}

export interface LoadResult {
  mode: 'load' | 'sequential';
  /** completed requests */
  requests: number;
  /** requests sent, including those still in flight when the window closed (the server finishes them) */
  sent?: number;
  errors: number;
  timeouts: number;
  firstError?: string;
  /** every answer's body in request order (sequential runs with `keepBodies`), for comparing answers across contenders */
  bodies?: string[];
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** completed requests per second */
  rps: number;
  durationS: number;
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i] * 10) / 10;
}

/** `connections` clients, each sending its next request when the previous answer came, for `durationS`. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let n = 0;
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: o.durationS,
        timeout: o.timeoutS,
        pipelining: 1,
        requests: [
          {
            setupRequest: (req: any) => {
              const r = o.request(n++);
              return {
                ...req,
                method: r.method ?? 'POST',
                path: r.path,
                headers: { 'content-type': 'application/json', ...(r.headers ?? {}) },
                body: r.body,
              };
            },
            onResponse: (status: number, body: string) => {
              const problem = status !== 200 ? `HTTP ${status}: ${body.slice(0, 200)}` : (o.bad?.(status, body) ?? null);
              if (problem) {
                errors++;
                firstError ??= problem;
              }
            },
          },
        ] as any,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
    });
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    mode: 'load',
    requests: latencies.length,
    sent: n,
    errors,
    timeouts: result.timeouts,
    firstError,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: Math.round((latencies.length / seconds) * 10) / 10,
    durationS: Math.round(seconds * 10) / 10,
  };
}

/**
 * For operations that take seconds: `count` requests one after the other (each with its own
 * time limit), so a slow baseline is measured instead of timing out inside a short load window.
 */
export async function runSequential(o: LoadOptions, count: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let timeouts = 0;
  let firstError: string | undefined;
  const bodies: string[] = [];
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const r = o.request(i);
    const t = process.hrtime.bigint();
    try {
      const res = await fetch(new URL(r.path, o.url), {
        method: r.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...(r.headers ?? {}) },
        body: r.body,
        signal: AbortSignal.timeout(o.timeoutS * 1000),
      });
      const body = await res.text();
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (o.keepBodies) bodies.push(body);
      const problem = res.status !== 200 ? `HTTP ${res.status}: ${body.slice(0, 200)}` : (o.bad?.(res.status, body) ?? null);
      if (problem) {
        errors++;
        firstError ??= problem;
      }
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        timeouts++;
        break;
      }
      errors++;
      firstError ??= (err as Error).message;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    mode: 'sequential',
    requests: latencies.length,
    errors,
    timeouts,
    firstError,
    bodies: o.keepBodies ? bodies : undefined,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: Math.round((latencies.length / seconds) * 100) / 100,
    durationS: Math.round(seconds * 10) / 10,
  };
}
