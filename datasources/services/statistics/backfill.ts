/**
 * The month backfill: `eventMonth`, `eventDay` and `eventHour` on stored records written before they
 * existed. FerretDB 1.24 has no date operators, so statistics group by the stored month (see index.ts).
 */
import { DOMAINS, type Domain } from '../../../domain/record-domains';
import { EVENT_STAMPS_MARKER, eventDayOf, eventHourOf, eventMonthOf, type Models } from '../../store/models';
import type { RecordDays } from '../../store/ferretdb/record-days';
import { updateEach, type SingleUpdate } from '../../store/single-updates';
import type { StatCounts } from '../stat-counts';

const BACKFILL_BATCH = 1000;
/** `hub_meta` document: every stored record has its `eventMonth`, `eventDay` and `eventHour` (models.ts) */
export const MONTH_DAY_MARKER = EVENT_STAMPS_MARKER;

/** Something to say what a start-up task did (pino's logger fits). */
export interface StatisticsLog {
  info(fields: object, message: string): void;
}

/** What the backfill writes through: the records, and the two registries that must hear of what it stamps. */
export interface BackfillDeps {
  models: Models;
  /** the statistics partitions (stat-counts.ts): the month backfill marks those it changes */
  counted?: StatCounts;
  /** the list reads' days registry: the backfill lists the days it stamps */
  days?: RecordDays;
}

/**
 * Stamps `eventMonth` (statistics), `eventDay` and `eventHour` (list reads, record-days.ts and
 * record-store.ts) on stored records written before they existed (or by an older replica);
 * idempotent: only documents without a day or an hour are touched, and all three are functions of
 * `eventAt`.
 * Meant for start-up (`createHub`, with its logger); a count by month that meets a record without
 * one also runs it, for that domain, and counts again. Returns how many documents it filled.
 */
export async function backfillMonths(deps: BackfillDeps, log?: StatisticsLog, domains: readonly Domain[] = DOMAINS): Promise<number> {
  // Finding records without a month reads every record on FerretDB (a `$exists` is not pushed
  // down): 200 s of store time at 1,000,000 records, at every start. Once a whole pass found every
  // record stamped, a marker says so and later starts skip it (ingest stamps every new record;
  // a count by month that still meets one without runs the pass again for its domain).
  const meta = deps.models.DataSource.db.collection<{ _id: string; at: Date }>('hub_meta');
  const whole = domains.length === DOMAINS.length;
  if (whole && (await meta.findOne({ _id: MONTH_DAY_MARKER }))) return 0;
  let filled = 0;
  for (const domain of domains) {
    const collection = deps.models.records[domain].collection;
    for (;;) {
      const unstamped = { $or: [{ eventDay: { $exists: false } }, { eventHour: { $exists: false } }] };
      const missing = await collection
        .find(unstamped, { projection: { eventAt: 1, eventMonth: 1 }, limit: BACKFILL_BATCH, batchSize: BACKFILL_BATCH })
        .toArray();
      const dated = missing.filter((d) => d.eventAt instanceof Date);
      const writes: SingleUpdate<any>[] = dated.map((d) => ({
        updateOne: {
          filter: { _id: d._id, ...unstamped },
          update: { $set: { eventMonth: eventMonthOf(d.eventAt), eventDay: eventDayOf(d.eventAt), eventHour: eventHourOf(d.eventAt) } },
        },
      }));
      if (writes.length === 0) break;
      // A record that gets its month joins that month's statistics partition, as if ingest had just written it
      // (one that only lacked its hour is in its partition already).
      const months = dated.filter((d) => !d.eventMonth).map((d) => eventMonthOf(d.eventAt));
      const mark = (how: 'writing' | 'written') => deps.counted?.[how](domain, months);
      await Promise.all([
        mark('writing'),
        deps.days?.note(
          domain,
          dated.map((d) => eventDayOf(d.eventAt)),
        ),
      ]);
      // One command per update (single-updates.ts: FerretDB stalls on commands of many).
      const modified = await updateEach(collection, writes).finally(() => mark('written'));
      filled += modified;
      if (missing.length < BACKFILL_BATCH || modified === 0) break;
    }
  }
  if (filled > 0)
    log?.info({ documents: filled, domains }, 'statistics: filled eventMonth, eventDay and eventHour on records stored without them');
  if (whole) await meta.updateOne({ _id: MONTH_DAY_MARKER }, { $set: { at: new Date() } }, { upsert: true });
  return filled;
}
