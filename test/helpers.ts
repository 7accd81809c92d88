/**
 * Test helpers: a real hub over the real store (FerretDB), served over real HTTP on 127.0.0.1:0.
 * Each test file gets its own database so files run in parallel without seeing each other's data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { StoreName } from '../datasources/store/profile';
import type { ListReads } from '../datasources/store/record-store';
import type { BatchLookup } from '../datasources/store/lookup';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { projectRoot } from '../server/paths';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createHub, type Hub, type HubOptions } from '../server/app';
import { createLogger } from '../lib/logger';
import { connectStore } from '../datasources/store/connection';
import { DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_JWT_SECRET } from '../server/config';
import { signToken, type JwtSettings, type PersonClaims } from '../server/jwt';
import type { RateLimitSettings } from '../server/rate-limit';

export interface TestHub {
  hub: Hub;
  connection: Connection;
  url: string;
  server: Server;
  /** store commands sent since the last `resetCommands()` (driver command monitoring) */
  commands: CommandStartedEvent[];
  resetCommands(): void;
  /**
   * POSTs a GraphQL operation over HTTP. Unless `headers` carry an Authorization, it goes as a
   * procurator of the whole city with a purpose (the caller most tests mean).
   */
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** the same as an ADMIN (registration and key rotation) */
  admin(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  /** signs a token for the hub's development secret */
  token(claims: Partial<PersonClaims> & { role: PersonClaims['role'] }, ttl?: string): Promise<string>;
  close(): Promise<void>;
}

/** The development JWT settings the tests' hubs use. */
export const TEST_JWT: JwtSettings = {
  secret: DEVELOPMENT_JWT_SECRET,
  algorithms: ['HS256'],
  issuer: 'procuratorate-hub',
  audience: 'procuratorate-hub',
  clockToleranceS: 30,
};

async function post(url: string, query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Commands that are about the data, not the driver's own housekeeping. */
const HOUSEKEEPING = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'buildInfo', 'endSessions', 'saslStart', 'saslContinue']);

export async function startTestHub(
  options: {
    uri?: string;
    dbName?: string;
    production?: boolean;
    requireTrustedOperations?: boolean;
    federation?: boolean;
    /** FEDERATION_GATEWAYS: a gateway's name by the SHA-256 of its key */
    gateways?: ReadonlyMap<string, string>;
    requestTimeoutMs?: number;
    rateLimit?: RateLimitSettings;
    trustProxy?: boolean | number | string[];
    jwt?: JwtSettings;
    registryRefreshMs?: number;
    ingestLimitBytes?: number;
    storeProfile?: StoreName;
    batchLookup?: BatchLookup;
    listReads?: ListReads;
    storePostgresUrl?: string;
    limits?: Partial<{ maxPageSize: number; maxDossierIds: number }>;
    clock?: () => number;
    bodyIdleTimeoutMs?: number;
    statisticsMaxBuckets?: number;
    ingestFutureSkewMs?: number;
    attachmentMaxBytes?: number;
    incrementalEvaluationMs?: number;
    markIntentStaleMs?: number;
    evaluationLeaseMs?: number;
    evaluationAfterChangeMs?: number;
    subscriptions?: HubOptions['subscriptions'];
    workbenchDir?: string;
    oidc?: HubOptions['oidc'];
    /** listen on this port (default: any free one) */
    port?: number;
  } = {},
): Promise<TestHub> {
  const uri = options.uri ?? process.env.HUB_TEST_URI;
  if (!uri) throw new Error('HUB_TEST_URI is not set: run the tests with jest (test/global-setup.ts starts the store)');
  const dbName = options.dbName ?? `t_${randomBytes(5).toString('hex')}`;
  const connection = await connectStore({ uri, dbName, timeoutMs: 2000, monitorCommands: true });
  const commands: CommandStartedEvent[] = [];
  connection.getClient().on('commandStarted', (e) => {
    if (!HOUSEKEEPING.has(e.commandName)) commands.push(e);
  });
  const token = (claims: Partial<PersonClaims> & { role: PersonClaims['role'] }, ttl?: string) =>
    signToken(TEST_JWT, { sub: `test-${claims.role.toLowerCase()}`, org: 'TEST-ORG', regions: ['50'], ...claims }, ttl);
  const procurator = `Bearer ${await token({ role: 'PROCURATOR' })}`;
  const adminToken = `Bearer ${await token({ role: 'ADMIN' })}`;
  const hub = await createHub({
    jwt: options.jwt ?? TEST_JWT,
    auditKey: DEVELOPMENT_AUDIT_KEY,
    rateLimit: options.rateLimit,
    trustProxy: options.trustProxy,
    requireTrustedOperations: options.requireTrustedOperations,
    federation: options.federation,
    gateways: options.gateways,
    requestTimeoutMs: options.requestTimeoutMs,
    connection,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    limits: { maxPageSize: 500, maxDossierIds: 500, ...options.limits },
    production: options.production ?? false,
    storeKind: 'test',
    storeTimeoutMs: 2000,
    registryRefreshMs: options.registryRefreshMs ?? 500,
    storeProfile: options.storeProfile,
    batchLookup: options.batchLookup,
    listReads: options.listReads,
    storePostgresUrl: options.storePostgresUrl,
    ingestLimitBytes: options.ingestLimitBytes,
    clock: options.clock,
    bodyIdleTimeoutMs: options.bodyIdleTimeoutMs,
    statisticsMaxBuckets: options.statisticsMaxBuckets,
    ingestFutureSkewMs: options.ingestFutureSkewMs,
    attachmentMaxBytes: options.attachmentMaxBytes,
    incrementalEvaluationMs: options.incrementalEvaluationMs,
    markIntentStaleMs: options.markIntentStaleMs,
    evaluationLeaseMs: options.evaluationLeaseMs,
    evaluationAfterChangeMs: options.evaluationAfterChangeMs,
    subscriptions: options.subscriptions,
    workbenchDir: options.workbenchDir,
    oidc: options.oidc,
  });
  // counts of store commands in tests must not meet the start-up work (backfill, days registry)
  await hub.startupWork;
  const server = hub.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hub,
    connection,
    url,
    server,
    commands,
    resetCommands: () => {
      commands.length = 0;
    },
    gql: (query, variables, headers = {}) =>
      post(
        url,
        query,
        variables,
        headers.authorization !== undefined || headers.Authorization !== undefined
          ? headers
          : { authorization: procurator, 'x-purpose': 'TEST-2025-001', ...headers },
      ),
    admin: (query, variables) => post(url, query, variables, { authorization: adminToken }),
    token,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await hub.stop();
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}

/**
 * Starts `server/main.ts` as a separate hub process on the tests' store (database `dbName`), on a
 * free port; resolves with its GraphQL URL. The caller kills it (SIGTERM).
 */
export function startHubProcess(dbName: string, env: Record<string, string> = {}): { url: Promise<string>; child: ChildProcess } {
  const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'server/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      MONGODB_URI: process.env.HUB_TEST_URI,
      MONGODB_DB: dbName,
      PORT: '0',
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Hub ready in [\d.]+ s: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}: ${out}`));
    });
  });
  return { url, child };
}

/** A HOSTED source registered for a test: its id and API key. */
export interface TestSource {
  id: string;
  apiKey: string;
}

/**
 * Registers a HOSTED custody source over GraphQL as an ADMIN (by default 万州区看守所, KSS-500101,
 * region 500101), as a department's administrator would; the ingest tests push to it.
 */
export async function registerCustodySource(
  t: TestHub,
  over: { name?: string; code?: string; department?: string } = {},
): Promise<TestSource> {
  const { body } = await t.admin(
    'mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } apiKey } }',
    {
      input: {
        name: over.name ?? '万州区看守所',
        department: { code: over.code ?? 'KSS-500101', name: over.department ?? '重庆市万州区看守所' },
        domain: 'DETENTION',
        kind: 'HOSTED',
        regions: ['500101'],
      },
    },
  );
  if (!body.data?.registerDataSource) throw new Error(`registering a test source: ${JSON.stringify(body).slice(0, 300)}`);
  return { id: body.data.registerDataSource.dataSource.id, apiKey: body.data.registerDataSource.apiKey };
}

/** POSTs NDJSON lines to a source's `/ingest/{id}` with its API key. */
export function pushLines(t: TestHub, source: TestSource, lines: readonly string[]): Promise<Response> {
  return fetch(`${t.url}/ingest/${source.id}`, {
    method: 'POST',
    headers: { authorization: `ApiKey ${source.apiKey}`, 'content-type': 'application/x-ndjson' },
    body: lines.join('\n'),
  });
}

/** The PostgreSQL table in which FerretDB keeps a collection of database `db` (tests on FerretDB over PostgreSQL). */
export async function postgresTableOf(pg: import('pg').Client, db: string, collection: string): Promise<string> {
  const { rows } = await pg.query<{ t: string }>(
    `SELECT _jsonb->>'table' AS t FROM "${db}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
    [collection],
  );
  if (!rows[0]) throw new Error(`no PostgreSQL table for collection ${collection} in ${db}`);
  return rows[0].t;
}

/** Polls until `check` gives a value (every `everyMs`), at most `ms`; fails naming `what`. */
export async function until<T>(
  what: string,
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 20_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What a subscription received: its events' data, its errors, whether the hub completed it. */
export type Got = { events: any[]; errors: unknown[]; completed: boolean };

/** A graphql-ws client to a test hub's WebSocket (no retries, connects on the first subscription). */
export function wsClient(t: TestHub, connectionParams: Record<string, unknown>): Client {
  return createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/** Subscribes and collects what comes; resolves once the hub holds one more subscriber. */
export async function subscribeWs(t: TestHub, c: Client, query: string, variables: Record<string, unknown> = {}) {
  const got: Got = { events: [], errors: [], completed: false };
  const before = t.hub.sources.feed.size;
  const dispose = c.subscribe(
    { query, variables },
    {
      next: (v) => (v.errors ? got.errors.push(...v.errors) : got.events.push(v.data)),
      error: (e) => (Array.isArray(e) ? got.errors.push(...e) : got.errors.push(e)),
      complete: () => (got.completed = true),
    },
  );
  await until('subscribed or refused', () => t.hub.sources.feed.size > before || got.errors.length > 0 || got.completed, 10_000);
  return { got, dispose };
}
