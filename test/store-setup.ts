/**
 * Starts the store the tests talk to: FerretDB on PostgreSQL (default), the embedded PostgreSQL in a
 * throwaway cluster of its own per test run (in a temporary folder, no fsync), or the server at
 * `TEST_POSTGRES_URL` with a fresh database per run, dropped after; or FerretDB on SQLite in a temp
 * folder (`TEST_STORE=sqlite`); or an existing store when `TEST_MONGODB_URI` is set (e.g. a real MongoDB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../datasources/store/embedded/ferretdb';
import { projectRoot } from '../server/paths';
import { dropPostgresDatabase, ensurePostgresDatabase } from '../datasources/store/embedded/postgres';
import { clearStaleServer, isAlive, startEmbeddedPostgres, type EmbeddedPostgres } from '../datasources/store/embedded/postgres-server';

export const FERRETDB_BIN = process.env.FERRETDB_BIN
  ? path.resolve(process.env.FERRETDB_BIN)
  : path.join(projectRoot, '.tools/bin/ferretdb');

export interface TestStore {
  uri: string;
  kind: 'postgresql' | 'sqlite' | 'external';
  /** the PostgreSQL database behind FerretDB (kind postgresql) */
  postgresUrl?: string;
  store?: EmbeddedStore;
  /** the embedded PostgreSQL of this run (kind postgresql without TEST_POSTGRES_URL) */
  postgres?: EmbeddedPostgres;
  cleanup(): Promise<void>;
}

/** The temporary folders of the tests' embedded PostgreSQL clusters. */
const CLUSTER_PREFIX = 'hub-test-pg-';
/** In each such folder: the process number of the test run that made it. */
const OWNER_FILE = 'owner.pid';

export async function startTestStore(
  kind: 'postgresql' | 'sqlite' = (process.env.TEST_STORE as 'sqlite') ?? 'postgresql',
): Promise<TestStore> {
  if (process.env.TEST_MONGODB_URI) return { uri: process.env.TEST_MONGODB_URI, kind: 'external', cleanup: async () => undefined };
  const port = await freePort();
  if (kind === 'postgresql') {
    const server = process.env.TEST_POSTGRES_URL ? undefined : await startTestPostgres();
    const adminUrl = server?.postgres.url ?? process.env.TEST_POSTGRES_URL!;
    const db = server ? 'hub_test' : `hub_test_${Date.now()}_${process.pid}`;
    try {
      const postgresUrl = await ensurePostgresDatabase(adminUrl, db);
      // FerretDB's state beside the cluster, so that it goes with it
      const stateDir = server ? path.join(server.dir, 'ferretdb') : undefined;
      const store = await startEmbeddedStore({
        bin: FERRETDB_BIN,
        port,
        handler: 'postgresql',
        postgresUrl,
        supervise: false,
        dataDir: stateDir,
      });
      return {
        uri: store.uri,
        kind,
        store,
        postgresUrl,
        postgres: server?.postgres,
        cleanup: async () => {
          await store.stop();
          if (server) await server.remove();
          else await dropPostgresDatabase(adminUrl, db).catch(() => undefined);
        },
      };
    } catch (err) {
      await server?.remove();
      throw err;
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
  const store = await startEmbeddedStore({ bin: FERRETDB_BIN, port, handler: 'sqlite', dataDir: dir });
  return {
    uri: store.uri,
    kind,
    store,
    cleanup: async () => {
      await store.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway embedded PostgreSQL cluster for one test run; `remove` stops it and deletes its folder. */
async function startTestPostgres(): Promise<{ postgres: EmbeddedPostgres; dir: string; remove(): Promise<void> }> {
  await removeAbandonedClusters();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), CLUSTER_PREFIX));
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort(), durable: false });
    return {
      postgres,
      dir,
      remove: async () => {
        await postgres.stop();
        remove();
      },
    };
  } catch (err) {
    remove();
    throw err;
  }
}

/**
 * A test run that was killed could not stop its PostgreSQL: stop those whose run is gone and delete
 * their folders, so that they do not pile up on a shared machine.
 */
async function removeAbandonedClusters(): Promise<void> {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(CLUSTER_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    let owner: number;
    try {
      owner = Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (!(owner > 0) || isAlive(owner)) continue;
    await clearStaleServer(path.join(dir, 'postgres')).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
