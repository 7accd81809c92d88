/**
 * Starts the FerretDB that the tests talk to. PostgreSQL backend on 127.0.0.1:5432 with a fresh
 * database per test run (default), or SQLite in a temp folder (`TEST_STORE=sqlite`); or an existing
 * store when `TEST_MONGODB_URI` is set (e.g. a real MongoDB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../datasources/store/embedded/ferretdb';
import { projectRoot } from '../server/paths';
import { dropPostgresDatabase, ensurePostgresDatabase } from '../datasources/store/embedded/postgres';

export const FERRETDB_BIN = process.env.FERRETDB_BIN ? path.resolve(process.env.FERRETDB_BIN) : path.join(projectRoot, '.tools/bin/ferretdb');
const PG_HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';
const PG_USER = process.env.TEST_PG_USER ?? 'postgres';

export interface TestStore {
  uri: string;
  kind: 'postgresql' | 'sqlite' | 'external';
  /** the PostgreSQL database behind FerretDB (kind postgresql) */
  postgresUrl?: string;
  store?: EmbeddedStore;
  cleanup(): Promise<void>;
}

const PG_ADMIN_URL = `postgres://${PG_USER}@${PG_HOST}:5432/postgres`;

export async function startTestStore(kind: 'postgresql' | 'sqlite' = (process.env.TEST_STORE as 'sqlite') ?? 'postgresql'): Promise<TestStore> {
  if (process.env.TEST_MONGODB_URI) return { uri: process.env.TEST_MONGODB_URI, kind: 'external', cleanup: async () => undefined };
  const port = await freePort();
  if (kind === 'postgresql') {
    const db = `hub_test_${Date.now()}_${process.pid}`;
    const postgresUrl = await ensurePostgresDatabase(PG_ADMIN_URL, db);
    const store = await startEmbeddedStore({ bin: FERRETDB_BIN, port, handler: 'postgresql', postgresUrl, supervise: false });
    return {
      uri: store.uri, kind, store, postgresUrl,
      cleanup: async () => {
        await store.stop();
        await dropPostgresDatabase(PG_ADMIN_URL, db).catch(() => undefined);
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
