/**
 * Numbered one-time changes of the stored data (backfills), each recorded in `hub_migrations` once
 * it has run: `{ _id: <number>, name, at, ms, result }`. The list itself is datasources/migrations.ts.
 *
 * Every migration is idempotent, so two replicas starting at once may both run one; the record is
 * then written twice with the same `_id` (the second replaces the first). A migration that
 * fails is not recorded and runs again at the next start; the ones after it wait for it.
 */
import type { Db } from 'mongodb';
import { upsertRetrying } from './single-updates';

export const MIGRATIONS_COLLECTION = 'hub_migrations';

export interface Migration<C> {
  /** its place in the order; never reused */
  id: number;
  /** what it does, for the record and the log */
  name: string;
  /**
   * false: not for this store profile. It is not run; if it ran before (under a profile that needed
   * it), `undo` runs and its record goes, so that a later profile that needs it runs it again.
   */
  applies?(context: C): boolean;
  /** forgets what `run` built, once the store's profile no longer keeps it up */
  undo?(context: C): Promise<void>;
  /** does the change; what it returns is recorded */
  run(context: C): Promise<unknown>;
}

export interface MigrationRecord {
  _id: number;
  name: string;
  at: Date;
  ms: number;
  result: unknown;
}

interface MigrationLog {
  info(fields: object, message: string): void;
}

/** Runs, in order, every migration of `list` that applies and has not run on this store; returns the ids it ran. */
export async function runMigrations<C>(db: Db, list: readonly Migration<C>[], context: C, log?: MigrationLog): Promise<number[]> {
  const ids = list.map((m) => m.id);
  if (new Set(ids).size !== ids.length || ids.some((id, i) => i > 0 && id <= ids[i - 1]))
    throw new Error(`migrations must be numbered in increasing order without repeats: ${ids.join(', ')}`);
  const records = db.collection<MigrationRecord>(MIGRATIONS_COLLECTION);
  const done = new Set((await records.find({}, { projection: { _id: 1 } }).toArray()).map((r) => r._id));
  const ran: number[] = [];
  for (const m of list) {
    if (m.applies && !m.applies(context)) {
      if (done.has(m.id)) {
        await m.undo?.(context);
        await records.deleteOne({ _id: m.id });
        log?.info({ migration: m.id, name: m.name }, 'migration undone: this store profile does not keep up what it built');
      }
      continue;
    }
    if (done.has(m.id)) continue;
    const started = Date.now();
    const result = (await m.run(context)) ?? null;
    const ms = Date.now() - started;
    await upsertRetrying(() => records.replaceOne({ _id: m.id }, { name: m.name, at: new Date(), ms, result }, { upsert: true }));
    log?.info({ migration: m.id, name: m.name, ms, result }, 'migration ran');
    ran.push(m.id);
  }
  return ran;
}
