/**
 * The subscriptions' feed in one hub process: it polls the change events (services/events.ts) once
 * per interval for all its subscribers, reads each new event's lead or document once, and hands it to
 * every subscriber whose filter and jurisdiction it matches. Polling runs only while someone
 * subscribes; `wake` polls at once (after a write in this process, or a Redis message from another).
 *
 * At least once, in no particular id order: a poll reads again the last `overlapMs` of events (writers
 * on other replicas commit out of id order) and drops those it handed out already; a resume
 * (`after`) reads from `overlapMs` before its cursor's time, so an event committed late is not
 * skipped, and may give events the client saw already: the id tells them apart.
 */
import { ObjectId, type Collection, type Document } from 'mongodb';
import type { BatchLookup } from '../store/lookup';
import { eachInFlight } from '../store/single-updates';
import { cursorSecond, type EventDoc, type EventKind, type EventTopic, type HubEvents } from './events';
import { badInput } from '../../lib/errors';
import { narrowRegions } from '../sources/federated-records';
import type { SupervisionDocumentDoc } from './documents';
import type { LeadDoc, LeadFilter } from './leads';

/** An event as subscribers get it: the change and the lead or document as stored when the event was read. */
export interface FeedEvent<T = unknown> {
  id: string;
  topic: EventTopic;
  kind: EventKind;
  status: string;
  /** DUE events: what fell due */
  alert?: string | null;
  at: Date;
  doc: T;
}

export interface FeedOptions {
  /** how often the store is polled while someone subscribes (ms) */
  pollMs: number;
  /** how far back each poll and each resume reads again (ms) */
  overlapMs: number;
  /** the hub's clock */
  clock?: () => number;
  onError?: (err: unknown) => void;
}

/** Events one subscriber may have waiting before it is ended as too slow. */
export const MAX_WAITING = 1000;
/** Reads in flight at once when the events' documents are read one equality each. */
const LOADS_IN_FLIGHT = 16;

/** One subscriber's events, as an async iterator (graphql-js subscriptions consume it). */
export class EventStream<T = unknown> implements AsyncIterableIterator<FeedEvent<T>> {
  private queue: FeedEvent<T>[] = [];
  private waiting: ((r: IteratorResult<FeedEvent<T>>) => void) | null = null;
  private done = false;
  private failure: Error | null = null;
  /** ids handed out (with their second), so that the overlap does not give one twice */
  private delivered = new Map<string, number>();
  /** while a resume reads the past, live events wait here */
  private held: FeedEvent<T>[] | null = null;

  constructor(
    readonly topic: EventTopic,
    readonly match: (e: FeedEvent<T>) => boolean,
    private readonly closed: (s: EventStream<T>) => void,
  ) {}

  /** Takes an event for this subscriber (its topic and filter already checked). */
  offer(e: FeedEvent<T>, nowSec = Math.floor(Date.now() / 1000)): void {
    if (this.done || this.failure) return;
    if (this.held) {
      this.held.push(e);
      return;
    }
    if (this.delivered.has(e.id)) return;
    this.delivered.set(e.id, Math.floor(e.at.getTime() / 1000));
    if (this.delivered.size % 1000 === 0) {
      for (const [id, sec] of this.delivered) if (sec < nowSec - 600) this.delivered.delete(id);
    }
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: e, done: false });
      return;
    }
    this.queue.push(e);
    if (this.queue.length > MAX_WAITING)
      this.fail(
        new Error(
          `more than ${MAX_WAITING} events are waiting for this subscriber: subscribe again with \`after\` the last cursor received`,
        ),
      );
  }

  hold(): void {
    this.held = [];
  }

  /**
   * Hands out what a resume read and what came live meanwhile, in cursor order: a live event offered
   * while the past was being read arrived first but may come after some of it (a CI run got a resume's
   * two events the wrong way round that way).
   */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    held.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const e of held) this.offer(e);
  }

  private fail(err: Error): void {
    this.failure = err;
    this.queue = [];
    this.closed(this);
  }

  next(): Promise<IteratorResult<FeedEvent<T>>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<FeedEvent<T>>> {
    if (!this.done) {
      this.done = true;
      this.queue = [];
      this.closed(this);
      const w = this.waiting;
      this.waiting = null;
      w?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<FeedEvent<T>>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

export class EventFeed {
  private readonly subscribers = new Set<EventStream<any>>();
  /** event ids this feed handed out, with their second, for the overlap window */
  private readonly seen = new Map<string, number>();
  private primed: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private stopped = false;
  private readonly clock: () => number;

  constructor(
    readonly events: HubEvents,
    private readonly stores: Record<EventTopic, Collection<Document>>,
    private readonly lookup: () => BatchLookup,
    readonly options: FeedOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** How many subscribers this process serves. */
  get size(): number {
    return this.subscribers.size;
  }

  private get overlapS(): number {
    return Math.ceil(this.options.overlapMs / 1000);
  }

  private nowSec(): number {
    return Math.floor(this.clock() / 1000);
  }

  /**
   * A subscriber of `topic`'s events that `match`: from now, or from after cursor `after` (every
   * event since that the store still keeps, then live ones).
   */
  async open<T>(topic: EventTopic, match: (e: FeedEvent<T>) => boolean, after?: string | null): Promise<EventStream<T>> {
    if (this.stopped) throw new Error('the hub is shutting down');
    let fromSec: number | null = null;
    if (after) {
      const sec = cursorSecond(after);
      if (sec === null) throw badInput('after', `"${after}" is not an event cursor`);
      if (sec < this.nowSec() - this.events.retentionMs / 1000)
        throw badInput(
          'after',
          `事件已过保留期 (events are kept ${Math.round(this.events.retentionMs / 1000)} s): read the current state with the list query, then subscribe without after`,
        );
      fromSec = sec - this.overlapS;
    }
    await this.prime();
    const stream = new EventStream<T>(topic, match, (s) => this.subscribers.delete(s));
    this.subscribers.add(stream);
    this.schedule(this.options.pollMs);
    if (fromSec !== null) {
      stream.hold();
      try {
        const rows = (await this.events.window(fromSec, this.nowSec() + 2, topic)).filter((r) => r._id.toHexString() !== after);
        for (const e of await this.resolve(rows)) if (stream.match(e as FeedEvent<T>)) stream.offer(e as FeedEvent<T>);
      } catch (err) {
        await stream.return();
        throw err;
      } finally {
        stream.release();
      }
    }
    return stream;
  }

  /** Polls at once (coalesced with a poll in flight). */
  wake(): void {
    if (this.stopped || this.subscribers.size === 0) return;
    if (this.polling) this.pollAgain = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const s of [...this.subscribers]) await s.return();
    await this.polling?.catch(() => undefined);
  }

  /** The first subscriber after none: the events already in the window are not news. */
  private prime(): Promise<void> {
    this.primed ??= this.read(false).catch((err) => {
      this.primed = null;
      throw err;
    });
    return this.primed;
  }

  private schedule(ms: number): void {
    if (this.stopped || this.polling) return;
    if (this.timer) {
      if (ms > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.read(true)
        .catch((err) => this.options.onError?.(err))
        .finally(() => {
          this.polling = null;
          if (this.subscribers.size === 0) {
            // idle: the next subscriber primes afresh
            this.seen.clear();
            this.primed = null;
            return;
          }
          const again = this.pollAgain;
          this.pollAgain = false;
          this.schedule(again ? 0 : this.options.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** One poll: the events of the window not seen yet, handed to their subscribers (`deliver`), or only noted. */
  private async read(deliver: boolean): Promise<void> {
    const now = this.nowSec();
    const from = now - this.overlapS;
    // two seconds ahead: a writer's clock slightly ahead of this one's
    const rows = await this.events.window(from, now + 2);
    const fresh = rows.filter((r) => !this.seen.has(r._id.toHexString()));
    for (const r of fresh) this.seen.set(r._id.toHexString(), r.sec);
    for (const [id, sec] of this.seen) if (sec < from - 1) this.seen.delete(id);
    if (!deliver || fresh.length === 0 || this.subscribers.size === 0) return;
    const nowSec = this.nowSec();
    for (const e of await this.resolve(fresh)) {
      for (const s of this.subscribers) if (s.topic === e.topic && s.match(e)) s.offer(e, nowSec);
    }
  }

  /** The events with their leads and documents, each read once; an event whose subject is gone is dropped. */
  private async resolve(rows: readonly EventDoc[]): Promise<FeedEvent[]> {
    const docs = new Map<string, unknown>();
    for (const topic of ['lead', 'document'] as const) {
      const ids = [...new Set(rows.filter((r) => r.topic === topic).map((r) => r.ref.toHexString()))];
      if (ids.length === 0) continue;
      const store = this.stores[topic];
      if (this.lookup() === 'in' && ids.length > 1) {
        for (const d of await store.find({ _id: { $in: ids.map((id) => new ObjectId(id)) } }).toArray())
          docs.set(`${topic}:${String(d._id)}`, d);
      } else {
        await eachInFlight(ids, LOADS_IN_FLIGHT, async (id) => {
          const d = await store.findOne({ _id: new ObjectId(id) });
          if (d) docs.set(`${topic}:${id}`, d);
        });
      }
    }
    const out: FeedEvent[] = [];
    for (const r of rows) {
      const doc = docs.get(`${r.topic}:${r.ref.toHexString()}`);
      if (doc) out.push({ id: r._id.toHexString(), topic: r.topic, kind: r.kind, status: r.status, alert: r.alert ?? null, at: r.at, doc });
    }
    return out;
  }
}

interface MatchedLead {
  rule: string;
  severity: string;
  region: string;
  idNumber: string;
  detectedAt: Date;
}

/**
 * Which lead events a subscriber gets: those of its jurisdiction (region prefixes; null: all) that
 * match its filter, as `supervisionLeads` selects them; the status is the one the change left.
 * Refuses what the list refuses (an unknown rule, an empty range), naming the field.
 */
export function leadMatcher(
  filter: LeadFilter | null | undefined,
  jurisdiction: readonly string[] | null,
  knownRule: (id: string) => boolean,
): (e: FeedEvent<MatchedLead>) => boolean {
  const f = filter ?? {};
  f.rules?.forEach((r, i) => {
    if (!knownRule(r)) throw badInput(`filter.rules[${i}]`, `no supervision rule ${r}`);
  });
  if (f.detectedFrom && f.detectedTo && f.detectedFrom >= f.detectedTo)
    throw badInput('filter.detectedTo', 'must be after filter.detectedFrom');
  const regions = narrowRegions(f.regions, jurisdiction);
  return (e) => {
    const l = e.doc;
    if (regions && !regions.some((r) => l.region.startsWith(r))) return false;
    if (f.rules?.length && !f.rules.includes(l.rule)) return false;
    if (f.status?.length && !(f.status as readonly string[]).includes(e.status)) return false;
    if (f.severity?.length && !(f.severity as readonly string[]).includes(l.severity)) return false;
    if (f.idNumber && l.idNumber !== f.idNumber) return false;
    if (f.detectedFrom && l.detectedAt < f.detectedFrom) return false;
    if (f.detectedTo && l.detectedAt >= f.detectedTo) return false;
    return true;
  };
}

/** What a document subscriber asks for. */
export interface DocumentEventFilter {
  kind?: readonly string[] | null;
  /** what happened (CREATED, STATUS, CHANGED, DUE) */
  changes?: readonly string[] | null;
  status?: readonly string[] | null;
  regions?: readonly string[] | null;
  addressee?: string | null;
}

interface MatchedDocument {
  kind: string;
  region: string;
  addresseePath: string[];
}

/** Which document events a subscriber gets: documents it may see (`visible`, the list's rule) that match its filter. */
export function documentMatcher<D extends MatchedDocument>(
  filter: DocumentEventFilter | null | undefined,
  visible: (doc: D) => boolean,
  jurisdiction: readonly string[] | null,
): (e: FeedEvent<D>) => boolean {
  const f = filter ?? {};
  const regions = f.regions?.length ? narrowRegions(f.regions, jurisdiction) : null;
  return (e) => {
    const d = e.doc;
    if (!visible(d)) return false;
    if (regions && !regions.some((r) => d.region.startsWith(r))) return false;
    if (f.kind?.length && !f.kind.includes(d.kind)) return false;
    if (f.changes?.length && !f.changes.includes(e.kind)) return false;
    if (f.status?.length && !f.status.includes(e.status)) return false;
    if (f.addressee && !d.addresseePath.includes(f.addressee)) return false;
    return true;
  };
}

/** A lead event (GraphQL `LeadEvent`). */
export type LeadFeedEvent = FeedEvent<LeadDoc>;
/** A document event (GraphQL `DocumentEvent`). */
export type DocumentFeedEvent = FeedEvent<SupervisionDocumentDoc>;
