/**
 * The hub's one-time changes of stored data, in the order they run at start (store/migrations.ts
 * runs them and records each in `hub_migrations`). Each also keeps the marker it wrote before
 * migrations were numbered, so a store where it ran then is not changed again. New ones go at the
 * end with the next number; a number is never reused.
 */
import type { Domain } from '../domain/records';
import type { DataSources } from '.';
import type { Migration } from './store/migrations';

export interface MigrationContext {
  sources: DataSources;
  log: { info(fields: object, message: string): void };
}

export const MIGRATIONS: readonly Migration<MigrationContext>[] = [
  {
    id: 1,
    name: 'stamp eventMonth, eventDay and eventHour on records stored without them',
    run: async ({ sources, log }) => ({ documents: await sources.statistics.backfillMonths(log) }),
  },
  {
    id: 2,
    name: 'mask the ID numbers that rejected records kept in clear',
    run: async ({ sources }) => ({ masked: await sources.rejections.maskStored() }),
  },
  {
    id: 3,
    name: 'list the days of the stored records (the registry behind day-by-day list reads)',
    applies: ({ sources }) => sources.store.keepsDays,
    run: async ({ sources, log }) => ({ days: await sources.days.build(sources.models, log) }),
    undo: ({ sources }) => sources.days.forget(),
  },
  {
    id: 4,
    name: 'mark the statistics partitions of the stored records',
    applies: ({ sources }) => sources.store.marksPartitions,
    run: async ({ sources, log }) => {
      // The days registry, when complete, names every month without reading the records.
      const months = async (domain: Domain) => {
        const days = sources.store.keepsDays ? await sources.days.list(domain) : null;
        return days && [...new Set(days.map((d) => d.slice(0, 7)))];
      };
      return { partitions: await sources.counted.build(months, log) };
    },
    undo: ({ sources }) => sources.counted.forget(),
  },
];
