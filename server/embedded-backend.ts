/**
 * Which backend the embedded FerretDB uses. `auto` (the default) takes PostgreSQL when one answers at
 * EMBEDDED_POSTGRES_URL and SQLite in DATA_DIR otherwise: FerretDB's PostgreSQL backend pushes equality
 * filters down to SQL while its SQLite backend reads the whole collection for any filter but `_id`
 * (measured on 10,000 demo persons: a dossier takes 0.1 s against 3.4 s).
 */
import type { Config } from './config';
import { ensurePostgresDatabase, postgresReachable } from './postgres';

export interface EmbeddedBackend {
  handler: 'postgresql' | 'sqlite';
  postgresUrl?: string;
}

export async function chooseEmbeddedBackend(config: Config): Promise<EmbeddedBackend> {
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
