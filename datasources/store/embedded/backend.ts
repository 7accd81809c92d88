/**
 * Which backend the embedded FerretDB uses. `auto` (the default) takes PostgreSQL when one answers at
 * EMBEDDED_POSTGRES_URL and SQLite in DATA_DIR otherwise: FerretDB's PostgreSQL backend pushes equality
 * filters down to SQL while its SQLite backend reads the whole collection for any filter but `_id`
 * (measured on 10,000 demo persons: a dossier takes 0.1 s against 3.4 s).
 */
import { ensurePostgresDatabase, postgresReachable } from './postgres';

export interface EmbeddedBackend {
  handler: 'postgresql' | 'sqlite';
  postgresUrl?: string;
}

/** The settings it reads (server/config.ts defines them). */
export interface EmbeddedBackendSettings {
  EMBEDDED_BACKEND: 'auto' | 'postgresql' | 'sqlite';
  EMBEDDED_POSTGRES_URL: string;
  EMBEDDED_POSTGRES_DB: string;
}

export async function chooseEmbeddedBackend(config: EmbeddedBackendSettings): Promise<EmbeddedBackend> {
  const wantPg = config.EMBEDDED_BACKEND === 'postgresql'
    || (config.EMBEDDED_BACKEND === 'auto' && await postgresReachable(config.EMBEDDED_POSTGRES_URL));
  if (!wantPg) return { handler: 'sqlite' };
  const postgresUrl = await ensurePostgresDatabase(config.EMBEDDED_POSTGRES_URL, config.EMBEDDED_POSTGRES_DB);
  return { handler: 'postgresql', postgresUrl };
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
