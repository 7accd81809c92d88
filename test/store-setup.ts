/**
 * Starts the FerretDB that the tests talk to. PostgreSQL backend on 127.0.0.1:5432 with a fresh
 * database per test run (default), or SQLite in a temp folder (`TEST_STORE=sqlite`); or an existing
 * store when `TEST_MONGODB_URI` is set (e.g. a real MongoDB).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../server/embedded-store';
import { projectRoot } from '../server/paths';

export const FERRETDB_BIN = process.env.FERRETDB_BIN ? path.resolve(process.env.FERRETDB_BIN) : path.join(projectRoot, '.tools/bin/ferretdb');
const PG_HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';
const PG_USER = process.env.TEST_PG_USER ?? 'postgres';

export interface TestStore {
  uri: string;
  kind: 'postgresql' | 'sqlite' | 'external';
  store?: EmbeddedStore;
  cleanup(): Promise<void>;
}

function psql(sql: string): void {
  execFileSync('psql', ['-h', PG_HOST, '-U', PG_USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });
}

export async function startTestStore(kind: 'postgresql' | 'sqlite' = (process.env.TEST_STORE as 'sqlite') ?? 'postgresql'): Promise<TestStore> {
  if (process.env.TEST_MONGODB_URI) return { uri: process.env.TEST_MONGODB_URI, kind: 'external', cleanup: async () => undefined };
  const port = await freePort();
  if (kind === 'postgresql') {
    const db = `hub_test_${Date.now()}_${process.pid}`;
    psql(`CREATE DATABASE ${db}`);
    const store = await startEmbeddedStore({
      bin: FERRETDB_BIN, port, handler: 'postgresql', postgresUrl: `postgres://${PG_USER}@${PG_HOST}:5432/${db}`, supervise: false,
    });
    return {
      uri: store.uri, kind, store,
      cleanup: async () => {
        await store.stop();
        try { psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); } catch { /* left for the next cleanup */ }
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
  const store = await startEmbeddedStore({ bin: FERRETDB_BIN, port, handler: 'sqlite', dataDir: dir });
  return {
    uri: store.uri, kind, store,
    cleanup: async () => { await store.stop(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}
