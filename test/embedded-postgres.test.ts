/**
 * The embedded store as `npm start` runs it, with real processes: without EMBEDDED_POSTGRES_URL the
 * hub starts its own PostgreSQL in <DATA_DIR>/postgres and FerretDB keeps its data there; the cluster
 * is reused by the next start, stopped cleanly at SIGTERM, and neither a server that a killed hub left
 * running nor a stale postmaster.pid blocks a start. With EMBEDDED_POSTGRES_URL, that server is used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '../server/paths';
import { freePort, isPortOpen } from '../datasources/store/embedded/ferretdb';
import { dropPostgresDatabase } from '../datasources/store/embedded/postgres';
import { clearStaleServer } from '../datasources/store/embedded/postgres-server';

interface HubRun {
  child: ChildProcess;
  ready: Promise<string>;
  exited: Promise<number | null>;
  output(): string;
}

/** `server/main.ts` as its own process (node with tsx's loader: the child is the hub itself). */
function runHub(env: Record<string, string | undefined>): HubRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      MONGODB_URI: undefined,
      EMBEDDED_POSTGRES_URL: undefined,
      EMBEDDED_BACKEND: undefined,
      PORT: '0',
      SEED_ON_EMPTY: 'false',
      EVALUATION_INTERVAL_MS: '0',
      STORE_VACUUM_CHECK_MS: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal) out += `\n[killed by ${signal}]`;
      resolve(code);
    }),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Hub ready in [\d.]+ s: \S+ {2}\(store: (.*)\)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`hub exited with ${code}: ${out}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => out };
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('npm start without EMBEDDED_POSTGRES_URL: FerretDB on the embedded PostgreSQL in DATA_DIR', () => {
  let dataDir: string;
  let cluster: string;
  let ports: { FERRETDB_PORT: string; EMBEDDED_POSTGRES_PORT: string };
  let hub: HubRun | undefined;
  const adminUrl = () =>
    `postgres://postgres:${fs.readFileSync(path.join(cluster, 'hub.password'), 'utf8').trim()}@127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}/postgres`;
  const postmasterPid = () => Number(fs.readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const start = (env: Record<string, string> = {}) => {
    hub = runHub({ DATA_DIR: dataDir, ...ports, ...env });
    return hub;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-embedded-'));
    cluster = path.join(dataDir, 'postgres');
    ports = { FERRETDB_PORT: String(await freePort()), EMBEDDED_POSTGRES_PORT: String(await freePort()) };
  });
  afterAll(async () => {
    if (hub && hub.child.exitCode === null) {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
    await clearStaleServer(cluster).catch(() => undefined); // a test that failed half-way may have left it running
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the embedded PostgreSQL in <DATA_DIR>/postgres, keeps the store there, and stops it at SIGTERM', async () => {
    const run = start();
    const store = await run.ready;
    expect(store).toBe(
      `embedded FerretDB on the embedded PostgreSQL 16 (${cluster}, 127.0.0.1:${ports.EMBEDDED_POSTGRES_PORT}), database hub`,
    );
    // Asked directly: the server on that port is PostgreSQL 16 on that folder, and FerretDB's
    // database `hub` holds the collections the hub made at start (schema hub = MONGODB_DB).
    const [server] = await query<{ dir: string; version: string }>(
      adminUrl(),
      `SELECT current_setting('data_directory') AS dir, current_setting('server_version_num') AS version`,
    );
    expect(server.dir).toBe(cluster);
    expect(Number(server.version)).toBeGreaterThanOrEqual(160000);
    expect(Number(server.version)).toBeLessThan(170000);
    const hubUrl = adminUrl().replace(/\/postgres$/, '/hub');
    const tables = await query<{ n: string }>(hubUrl, `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'hub'`);
    expect(Number(tables[0].n)).toBeGreaterThan(5);
    fs.writeFileSync(path.join(dataDir, 'first-run'), fs.readFileSync(path.join(cluster, 'hub.password')));

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(await isPortOpen(Number(ports.EMBEDDED_POSTGRES_PORT))).toBe(false);
    expect(fs.existsSync(path.join(cluster, 'postmaster.pid'))).toBe(false); // a clean shutdown removes it
    expect(fs.readFileSync(`${cluster}.log`, 'utf8')).toContain('database system is shut down');
  }, 120_000);

  it('reuses the cluster at the next start, and is not blocked by a server a killed hub left running nor by a stale postmaster.pid', async () => {
    let run = start();
    await run.ready;
    // the same cluster (its password is made once, at creation) with the first run's tables
    expect(fs.readFileSync(path.join(cluster, 'hub.password'), 'utf8')).toBe(fs.readFileSync(path.join(dataDir, 'first-run'), 'utf8'));
    const tables = await query<{ n: string }>(
      adminUrl().replace(/\/postgres$/, '/hub'),
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'hub'`,
    );
    expect(Number(tables[0].n)).toBeGreaterThan(5);

    // killed: nothing stops its PostgreSQL (in a process group of its own) nor its FerretDB
    const leftover = postmasterPid();
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await isPortOpen(Number(ports.EMBEDDED_POSTGRES_PORT))).toBe(true);
    run = start();
    await run.ready;
    expect(run.output()).toContain('stopping the embedded PostgreSQL that an earlier hub left running');
    expect(postmasterPid()).not.toBe(leftover);

    // a crash of the whole machine leaves postmaster.pid naming a process number that another
    // program may have by then: here this test's own process, which PostgreSQL would take for a server
    run.child.kill('SIGKILL');
    await run.exited;
    const pid = postmasterPid();
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && (await isPortOpen(Number(ports.EMBEDDED_POSTGRES_PORT))); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000)); // its other processes notice and end
    const lines = fs.readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n');
    lines[0] = String(process.pid);
    fs.writeFileSync(path.join(cluster, 'postmaster.pid'), lines.join('\n'));
    run = start();
    await run.ready;
    expect(postmasterPid()).not.toBe(process.pid);

    run.child.kill('SIGTERM');
    const code = await run.exited;
    if (code !== 0) console.log(run.output());
    expect(code).toBe(0);
  }, 180_000);

  it('stops its PostgreSQL and FerretDB at a SIGTERM while seeding, and completes the cut-short demo data at the next start', async () => {
    const seedEnv = { SEED_ON_EMPTY: 'true', SEED_PERSONS: '4000', MONGODB_DB: 'hub_seeded' };
    let run = start(seedEnv);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/seeding/.test(run.output())) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
      void run.exited.then(() => {
        clearInterval(timer);
        reject(new Error(`hub exited before seeding: ${run.output()}`));
      });
    });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(run.output()).not.toContain('Hub ready');
    expect(await isPortOpen(Number(ports.EMBEDDED_POSTGRES_PORT))).toBe(false);
    expect(await isPortOpen(Number(ports.FERRETDB_PORT))).toBe(false);
    expect(fs.existsSync(path.join(cluster, 'postmaster.pid'))).toBe(false);

    run = start(seedEnv);
    await run.ready;
    expect(run.output()).toContain('The demo data set was cut short when the hub last stopped: completing it');
    expect(run.output()).toMatch(/seeded 4000 persons/);
    const hubUrl = adminUrl().replace(/\/postgres$/, '/hub');
    // the seed's mark in hub_meta, read in the table FerretDB keeps that collection in
    const [{ t: table }] = await query<{ t: string }>(
      hubUrl,
      `SELECT _jsonb->>'table' AS t FROM hub_seeded._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'hub_meta'`,
    );
    const [meta] = await query<{ state: string }>(
      hubUrl,
      `SELECT _jsonb->>'state' AS state FROM hub_seeded."${table}" WHERE _jsonb->>'_id' = 'demo-seed'`,
    );
    expect(meta.state).toBe('done');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 300_000);

  it("names the port when the embedded PostgreSQL's port is taken", async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = start({ EMBEDDED_POSTGRES_PORT: String(port) });
      await expect(run.ready).rejects.toThrow(`port ${port} on 127.0.0.1 is in use, so the embedded PostgreSQL cannot listen there`);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain('Set EMBEDDED_POSTGRES_PORT to a free port');
    } finally {
      blocker.close();
    }
  }, 60_000);
});

// The tests' own PostgreSQL (test/store-setup.ts) stands for a server of one's own.
const testPg = process.env.HUB_TEST_PG_URL;
(testPg ? describe : describe.skip)('npm start with EMBEDDED_POSTGRES_URL: that server', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-external-pg-'));
  });
  const db = `hub_own_${randomBytes(4).toString('hex')}`;
  const serverUrl = testPg ? testPg.replace(/\/[^/]*$/, '/postgres') : '';
  afterAll(async () => {
    await dropPostgresDatabase(serverUrl, db).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the store in its database and starts no PostgreSQL of its own', async () => {
    const run = runHub({
      DATA_DIR: dataDir,
      FERRETDB_PORT: String(await freePort()),
      EMBEDDED_POSTGRES_URL: serverUrl,
      EMBEDDED_POSTGRES_DB: db,
    });
    const store = await run.ready;
    const shown = new URL(serverUrl);
    shown.password = '***';
    expect(store).toBe(`embedded FerretDB on PostgreSQL at ${shown}, database ${db}`);
    expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    const tables = await query<{ n: string }>(
      serverUrl.replace(/\/postgres$/, `/${db}`),
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'hub'`,
    );
    expect(Number(tables[0].n)).toBeGreaterThan(5);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 120_000);

  it('does not start when that server does not answer', async () => {
    const closed = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const run = runHub({ DATA_DIR: dataDir, FERRETDB_PORT: String(await freePort()), EMBEDDED_POSTGRES_URL: closed });
    await expect(run.ready).rejects.toThrow(`EMBEDDED_POSTGRES_URL: no PostgreSQL answers at ${closed}`);
    expect(await run.exited).toBe(1);
    expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
  }, 60_000);
});

describe('npm start with EMBEDDED_BACKEND=sqlite', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-sqlite-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the store in SQLite files in DATA_DIR and starts no PostgreSQL', async () => {
    const run = runHub({ DATA_DIR: dataDir, FERRETDB_PORT: String(await freePort()), EMBEDDED_BACKEND: 'sqlite' });
    expect(await run.ready).toBe(`embedded FerretDB on SQLite (${dataDir})`);
    expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    expect(fs.readdirSync(path.join(dataDir, 'sqlite'))).toContain('hub.sqlite');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 60_000);
});
