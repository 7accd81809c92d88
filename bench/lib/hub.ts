/** The hub as the benchmark runs it: `node dist/server/main.js` in production mode on the benchmark's store. */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import type { JwtSettings } from '../../server/jwt';
import { projectRoot } from '../../server/paths';
import { freePort } from '../../datasources/store/embedded/ferretdb';
import type { BenchStore } from './dataset';
import { startServer, type Server } from './processes';

/** A fresh HS256 signing secret for one benchmark run (tokens are minted by the harness). */
export function benchJwt(): JwtSettings {
  return {
    secret: crypto.randomBytes(32).toString('hex'),
    algorithms: ['HS256'],
    issuer: 'procuratorate-hub',
    audience: 'procuratorate-hub',
    clockToleranceS: 30,
  };
}

/** Compiles the hub into dist/ (what `startHub` runs), so that no run measures an older build. */
export function buildHub(log: (line: string) => void): void {
  log('building the hub (tsc)');
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('the hub did not build');
}

/** How long the hub may take to listen. */
const START_LIMIT_MIN = 45;

/**
 * Starts the built hub on store database `db`: production mode, no demo seeding, no scheduled
 * evaluation (it would compete with the load), a rate limit high enough not to refuse the load, a
 * request time limit of 5 minutes instead of 30 s, and the PostgreSQL database behind FerretDB so
 * the hub keeps its equality indexes.
 */
export async function startHub(
  store: BenchStore,
  db: string,
  jwt: JwtSettings,
  options: {
    auditKey?: string;
    nodeArgs?: string[];
    log?: (line: string) => void;
    /** hub settings of a scenario (e.g. STATISTICS_AHEAD=false), over the harness's BENCH_HUB_ ones */
    settings?: Record<string, string>;
  } = {},
): Promise<Server> {
  const server = await startServer(
    `hub (${db})`,
    [...(options.nodeArgs ?? []), '--enable-source-maps', 'dist/server/main.js'],
    {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      MONGODB_URI: store.store.uri,
      MONGODB_DB: db,
      STORE_POSTGRES_URL: store.postgresUrl,
      JWT_SECRET: jwt.secret!,
      AUDIT_KEY: options.auditKey ?? crypto.randomBytes(32).toString('hex'),
      SEED_ON_EMPTY: 'false',
      EVALUATION_INTERVAL_MS: '0',
      RATE_LIMIT_POINTS: '1000000',
      // Lists and statistics at 1,000,000 records take longer than the default 30 s on FerretDB: measured, not cut.
      REQUEST_TIMEOUT_MS: '300000',
      // Experiments: BENCH_HUB_<NAME>=value in the harness's environment sets the hub's <NAME> (README: configuration).
      ...Object.fromEntries(
        Object.entries(process.env)
          .filter(([k, v]) => k.startsWith('BENCH_HUB_') && v !== undefined)
          .map(([k, v]) => [k.slice('BENCH_HUB_'.length), v!]),
      ),
      ...options.settings,
    },
    /Hub ready in [\d.]+ s: http:\/\/localhost(:\d+)\/graphql/,
    // Its first start on a data set creates the equality indexes and planner statistics before it
    // listens: more than 10 minutes at 1,000,000 records on a slow machine.
    START_LIMIT_MIN * 60_000,
    (s) => options.log?.(`  waiting for the hub to listen (its first start on a data set builds its indexes): ${s} s so far`),
  );
  // It prints a URL for people (localhost); the load goes to the address it listens on.
  server.url = `http://127.0.0.1${server.url}`;
  await waitForStartupWork(server, options.log);
  return server;
}

/**
 * Waits until the hub's start-up work is over (`/readyz` says `startupWork: done`): on a data set it
 * has not started on before (the first run after generating it), it stamps, lists and counts in the
 * background, for minutes at 1,000,000 records, and what is measured meanwhile would measure that.
 */
export async function waitForStartupWork(server: Pick<Server, 'url'>, log?: (line: string) => void, maxMinutes = 60): Promise<void> {
  const base = server.url.replace(/\/graphql$/, '');
  const started = Date.now();
  let said = 0;
  for (;;) {
    // Only `done` ends the wait: while the start-up work keeps the store busy, /readyz may answer
    // "unavailable" (the store's ping took over 3 s) without saying how far the work is.
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { status?: string; reason?: string; startupWork?: string };
    if (ready.startupWork === 'done') return;
    const waited = Math.round((Date.now() - started) / 1000);
    if (waited > maxMinutes * 60) throw new Error(`the hub's start-up work is still running after ${maxMinutes} minutes`);
    if (waited - said >= 30) {
      said = waited;
      log?.(
        `  waiting for the hub's start-up work (backfill, days registry, statistics counts): ${waited} s so far${ready.status === 'ready' ? '' : ` (/readyz: ${ready.reason ?? ready.status})`}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The V8 heap of the hub while one scenario ran, sampled from its `/metrics` (MiB). */
export interface HeapSample {
  /** heap V8 had reserved when it was largest, and what of it was in use then */
  peakTotalMb: number;
  usedAtPeakMb: number;
  /** the least heap in use seen: close to what the hub really holds, since a full collection just ran */
  leastUsedMb: number;
  /** memory outside the heap (buffers) at the heap's peak */
  externalMb: number;
}

/**
 * Samples the hub's heap (prom-client's `nodejs_heap_size_*` and `nodejs_external_memory_bytes`) every
 * half second. The gap between the least heap in use and the heap reserved is garbage that V8 has
 * not collected yet: how much of a peak RSS is the hub's data and how much is the collector's timing.
 */
/** The hub's `/metrics` text (an ADMIN bearer), or null when it answers with an error status. */
export async function readHubMetrics(hub: Pick<Server, 'url'>, authorization: string): Promise<string | null> {
  const res = await fetch(`${hub.url.replace(/\/graphql$/, '')}/metrics`, { headers: { authorization } });
  return res.ok ? res.text() : null;
}

export function watchHubHeap(hub: Pick<Server, 'url'>, authorization: string): { stop(): Promise<HeapSample | undefined> } {
  const mb = (text: string, name: string) => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) / 1048576) : null;
  };
  let out: HeapSample | undefined;
  const sample = async () => {
    const text = await readHubMetrics(hub, authorization);
    if (text === null) return;
    const total = mb(text, 'nodejs_heap_size_total_bytes');
    const used = mb(text, 'nodejs_heap_size_used_bytes');
    const external = mb(text, 'nodejs_external_memory_bytes');
    if (total === null || used === null) return;
    if (!out) out = { peakTotalMb: total, usedAtPeakMb: used, leastUsedMb: used, externalMb: external ?? 0 };
    if (total > out.peakTotalMb) Object.assign(out, { peakTotalMb: total, usedAtPeakMb: used, externalMb: external ?? 0 });
    out.leastUsedMb = Math.min(out.leastUsedMb, used);
  };
  // A reading lost (the hub busy or restarting) is skipped, never a failed scenario.
  const safely = () => sample().catch(() => undefined);
  let pending = safely();
  const timer = setInterval(() => {
    pending = pending.then(safely);
  }, 500);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      return out;
    },
  };
}
