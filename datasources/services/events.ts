/**
 * Change events of leads and documents (`hub_events`): the store as the bus of subscriptions
 * (docs/api.md "Subscriptions", docs/store.md "Change events"). Every write path that creates or
 * changes a lead or a document appends one small event after its change is stored: the event's
 * `_id` (an ObjectId, made by the writing process) is the cursor clients resume from.
 *
 * FerretDB has no change streams, so every hub process polls this collection (services/event-feed.ts).
 * Writers on several replicas commit out of `_id` order (an ObjectId is made before its insert
 * reaches the store, and two processes' ids of one second sort by their random part), so a poll
 * reads again a window of the last seconds and drops what it saw (at least once; the id
 * de-duplicates). How a window is read depends on the store (the profile's `eventReads`):
 * - `range` (MongoDB): `_id >= ObjectId(from)`, served by the `_id` index;
 * - `by-second` (FerretDB, which pushes no range down: a range would read the whole collection
 *   every poll): each event carries its second (`sec`) and minute (`min`) as numbers, and a window
 *   is read as one equality per second (a poll) or per minute (a resume), GIN-indexed.
 * Events are kept for a bounded time: a TTL index on `at` where the store has them, else the hub
 * deletes whole past minutes itself (`purge`).
 */
import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import type { DueAlertKind } from '../../domain/documents';
import { eachInFlight } from '../store/single-updates';

export const EVENTS_COLLECTION = 'hub_events';

export type EventTopic = 'lead' | 'document';
/**
 * CREATED: a new lead or an issued document; STATUS: its status changed; CHANGED: anything else about
 * it changed; DUE: nothing changed, but a document fell due that day (`alert`; documents.ts `announceDue`)
 */
export type EventKind = 'CREATED' | 'CHANGED' | 'STATUS' | 'DUE';

/** What fell due (DUE events): a reply due soon, a reply overdue, a report to the superior overdue. */
export type DueAlert = DueAlertKind;

/** A change as a write path reports it. */
export interface Change {
  kind: EventKind;
  /** the lead's or document's `_id` */
  ref: ObjectId;
  region: string;
  /** its status after the change */
  status: string;
  /** DUE events: what fell due */
  alert?: DueAlert;
}

export interface EventDoc extends Change {
  _id: ObjectId;
  topic: EventTopic;
  at: Date;
  /** the second of `_id`'s time (seconds since the epoch): FerretDB's polls read by it */
  sec: number;
  /** the minute of `_id`'s time: FerretDB's resumes read by it */
  min: number;
}

/** What the write paths of leads and documents report their changes to. */
export interface ChangeSink {
  changed(topic: EventTopic, changes: readonly Change[]): Promise<void>;
}

/** A sink that keeps nothing (services used without a hub, e.g. in the seed). */
export const NO_EVENTS: ChangeSink = { changed: async () => undefined };

export type EventReads = 'range' | 'by-second';

/** Reads in flight at once when a window is read by equalities. */
const READS_IN_FLIGHT = 8;

/** The second and minute of an event id. */
const secondOf = (id: ObjectId) => Math.floor(id.getTimestamp().getTime() / 1000);

export class HubEvents implements ChangeSink {
  /** called after events were stored (the feed polls at once; with Redis, the other replicas too) */
  onWritten: (() => void) | null = null;
  /** minutes already purged up to (exclusive), by `purge` */
  private purgedBefore: number | null = null;

  constructor(
    /** the store's database (asked when used: the connection may open later) */
    private readonly db: () => Db,
    readonly reads: EventReads,
    /** how long events are kept (ms) */
    readonly retentionMs: number,
  ) {}

  get collection(): Collection<EventDoc> {
    return this.db().collection<EventDoc>(EVENTS_COLLECTION);
  }

  async ensureCollection(): Promise<void> {
    await this.db()
      .createCollection(EVENTS_COLLECTION)
      .catch(() => undefined);
  }

  /** Appends one event per change, after the changes are stored. */
  async changed(topic: EventTopic, changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    const docs: EventDoc[] = changes.map((c) => {
      const _id = new ObjectId();
      const sec = secondOf(_id);
      return {
        _id,
        topic,
        kind: c.kind,
        ref: c.ref,
        region: c.region,
        status: c.status,
        ...(c.alert ? { alert: c.alert } : {}),
        at: new Date(sec * 1000),
        sec,
        min: Math.floor(sec / 60),
      };
    });
    for (let i = 0; i < docs.length; i += 1000) await this.collection.insertMany(docs.slice(i, i + 1000), { ordered: false });
    this.onWritten?.();
  }

  /** Every event whose id's second is `fromSec` or later (to `toSec`), oldest id first. */
  async window(fromSec: number, toSec: number, topic?: EventTopic): Promise<EventDoc[]> {
    let rows: EventDoc[];
    if (this.reads === 'range') {
      const q: Filter<EventDoc> = { _id: { $gte: ObjectId.createFromTime(fromSec) } };
      if (topic) q.topic = topic;
      rows = await this.collection.find(q).sort({ _id: 1 }).toArray();
    } else {
      // a poll: one equality per second; a resume over minutes: one per minute, the first and last cut to the window
      const bySecond = toSec - fromSec <= 120;
      const keys: number[] = [];
      if (bySecond) for (let s = fromSec; s <= toSec; s++) keys.push(s);
      else for (let m = Math.floor(fromSec / 60); m <= Math.floor(toSec / 60); m++) keys.push(m);
      const parts: EventDoc[][] = new Array(keys.length);
      await eachInFlight(keys, READS_IN_FLIGHT, async (key, i) => {
        const q: Filter<EventDoc> = bySecond ? { sec: key } : { min: key };
        if (topic) q.topic = topic;
        parts[i] = await this.collection.find(q).toArray();
      });
      rows = parts.flat().filter((e) => e.sec >= fromSec && e.sec <= toSec);
      rows.sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()));
    }
    return rows;
  }

  /**
   * Deletes the events past their retention, where the store does not (no TTL index): the first
   * time every older event (one range delete), then each minute that passed since by its `min`
   * equality (pushed down and indexed on FerretDB).
   */
  async purge(now: number): Promise<number> {
    const cutoffMin = Math.floor((now - this.retentionMs) / 60_000);
    let deleted = 0;
    if (this.purgedBefore === null) {
      deleted += (await this.collection.deleteMany({ min: { $lt: cutoffMin } })).deletedCount;
    } else {
      for (let m = this.purgedBefore; m < cutoffMin; m++) deleted += (await this.collection.deleteMany({ min: m })).deletedCount;
    }
    this.purgedBefore = cutoffMin;
    return deleted;
  }
}

/** The second an event id (a cursor) was made in, or null when it is not an event id. */
export function cursorSecond(cursor: string): number | null {
  return /^[0-9a-f]{24}$/i.test(cursor) ? secondOf(new ObjectId(cursor)) : null;
}

/** The change of a lead or document as stored. */
export function changeOf(kind: EventKind, doc: { _id: ObjectId; region: string; status: string }): Change {
  return { kind, ref: doc._id, region: doc.region, status: doc.status };
}
