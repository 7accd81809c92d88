/**
 * The audit trail (X-Road-like): one entry per operation, hash-chained.
 *
 * Entry n stores the SHA-256 of (entry n−1's hash + entry n's canonical JSON). Entries are numbered;
 * the number is the document's `_id`, unique in the store, so two replicas appending at once cannot
 * both take the same place: the loser reads the entry that took it (by `_id`) and tries the next. That
 * keeps one valid chain across any number of hub processes without transactions (which FerretDB
 * lacks), at one insert per entry while a process is the only writer.
 * No code path updates or deletes entries; `verifyAuditChain` recomputes the chain and names the
 * first entry that does not fit.
 *
 * Personal values never enter in clear: ID numbers (in variables, in the operation's text and in
 * what was returned) and names are kept as HMAC-SHA-256 under the hub's audit key, so an auditor with
 * the key can still find every access to one person, and nobody without it can read or brute-force them.
 *
 * The operation's text is kept once per text, in `audit_operations` (`_id`: the SHA-256 of the text as
 * stored), and an entry names it by that hash, which the chain covers: the trail does not grow with
 * a text repeated a million times, and a stored text edited later no longer matches its entry.
 */
import { createHash, createHmac } from 'node:crypto';
import { Kind, visit, type DocumentNode, type StringValueNode } from 'graphql';
import type { Connection } from 'mongoose';
import { parseIdNumber } from '../../domain/id-number';

export interface AuditEntry {
  _id: number;
  at: Date;
  requestId: string;
  actor: { kind: string; sub?: string; org?: string; role?: string; sourceId?: string };
  purpose: string | null;
  operationName: string | null;
  /** SHA-256 of the operation text */
  operationHash: string | null;
  /**
   * the operation's text as kept in `audit_operations`, by its SHA-256 (personal values replaced, so
   * it differs from `operationHash` when the text held any); null without a text, absent on entries
   * written before texts were kept
   */
  operationTextHash?: string | null;
  /**
   * variables as JSON text, with personal values replaced by their HMAC (text, because variables may
   * hold keys such as `$ne` that a store refuses as field names: an injection attempt is recorded as sent)
   */
  variables: string | null;
  /** HMACs of the ID numbers of every person and record whose data the answer carried (server/returned.ts) */
  idNumbers: string[];
  /** ids of the records the answer carried, and of other objects whose `id` it returned */
  recordIds: string[];
  /** live sources that failed during the request */
  failedSources: string[];
  /** every live source called, as `sourceId:ok` or `sourceId:failed` */
  sourcesCalled: string[];
  status: 'OK' | 'ERROR';
  errorCodes: string[];
  durationMs: number;
  clientAddress: string | null;
  /**
   * An event delivered to subscribers (server/subscriptions.ts): one entry per event and write, naming
   * each subscriber it went to; the fields above are then the union of theirs. Absent on other entries.
   */
  recipients?: AuditRecipient[];
  /** the recipients' `actor.sub`, for finding a caller's entries by equality (`auditLog(filter: {actorSub})`) */
  recipientSubs?: string[];
  /** the federation gateway the call came through (its name in FEDERATION_GATEWAYS); absent for a direct call */
  via?: { gateway: string };
  prevHash: string;
  hash: string;
}

/** One subscriber an event went to: who, under which purpose, through which operation, and what it carried. */
export interface AuditRecipient {
  requestId: string;
  actor: AuditEntry['actor'];
  purpose: string | null;
  operationName: string | null;
  operationHash: string | null;
  idNumbers: string[];
  recordIds: string[];
  status: 'OK' | 'ERROR';
  errorCodes: string[];
  clientAddress: string | null;
}

export type AuditDraft = Omit<AuditEntry, '_id' | 'prevHash' | 'hash'>;

const GENESIS = '0'.repeat(64);

/** The fields of an entry that its hash covers, in a fixed order (fields added later at the end, when the entry has them, so older entries keep their hash). */
export function canonical(e: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify([
    e._id,
    e.at instanceof Date ? e.at.toISOString() : e.at,
    e.requestId,
    e.actor,
    e.purpose,
    e.operationName,
    e.operationHash,
    e.variables,
    e.idNumbers,
    e.recordIds,
    e.failedSources,
    e.status,
    e.errorCodes,
    e.durationMs,
    e.clientAddress,
    e.prevHash,
    e.sourcesCalled,
    ...(e.operationTextHash !== undefined ? [e.operationTextHash] : []),
    // an event's entry always has operationTextHash (null), so its recipients follow it in place
    ...(e.recipients !== undefined ? [e.recipients, e.recipientSubs ?? []] : []),
    // an object, so that it is never read as the recipients' place
    ...(e.via !== undefined ? [{ via: e.via }] : []),
  ]);
}

/** One operation text, kept once (AuditLog.keepOperation). */
export interface AuditOperation {
  /** SHA-256 of `text` */
  _id: string;
  text: string;
  /** when this text was first kept */
  at: Date;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** 15- or 18-character runs that may be ID numbers (each is checked: check character, birth date). */
const ID_LIKE = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;
/** Variable keys and input fields that hold a person's name (`name`, `nameLike`…). */
const NAME_KEY = /name/i;
/** Texts whose place in `audit_operations` this process knows; forgotten wholesale past this many. */
const KNOWN_TEXTS = 10_000;

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(e.prevHash).update(canonical(e)).digest('hex');
}

/** Most entries one store write carries (FerretDB writes up to 100 documents in one batch, so an ordered insert stops at a conflict). */
const GROUP = 100;

export class AuditLog {
  /** the end of the chain as this process last saw it (read once, then kept by appending) */
  private end: { seq: number; hash: string } | null = null;

  /**
   * @param findEnd how the end of the chain is found once per process: `sort` (the `_id` index
   *   answers it on MongoDB) or `probe`, a galloping search of `_id` equalities (FerretDB sorts by
   *   reading the whole trail first: seconds once it holds a few hundred thousand entries; the
   *   probe takes ~2 log₂ n indexed lookups). Places are numbered 1, 2, 3, … without gaps.
   */
  constructor(
    private readonly connection: Connection,
    private readonly key: string,
    private readonly findEnd: 'sort' | 'probe' = 'sort',
  ) {}

  private get collection() {
    return this.connection.db!.collection<AuditEntry>('audit_log');
  }

  /** HMAC of a personal value under the audit key. */
  personal(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex').slice(0, 32);
  }

  /** Replaces every ID number in a text (the whole of it, or inside it) by `hmac:<HMAC>`. */
  private scrubIds(text: string): string {
    return text.replace(ID_LIKE, (candidate) => {
      const id = parseIdNumber(candidate);
      return id.ok ? `hmac:${this.personal(id.value.idNumber)}` : candidate;
    });
  }

  /** Replaces every ID number (anywhere in the variables, also inside a longer text) and every name by its HMAC. */
  scrub(value: unknown): unknown {
    if (typeof value === 'string') return this.scrubIds(value);
    if (Array.isArray(value)) return value.map((v) => this.scrub(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, NAME_KEY.test(k) && typeof v === 'string' ? `hmac:${this.personal(v)}` : this.scrub(v)]),
      );
    }
    return value;
  }

  /**
   * An operation's text as the trail keeps it: names given inline (`name: "王伟"`, as in the
   * variables) and every ID number, in literals and comments alike, replaced by their HMAC; the rest
   * as sent, but NUL, written as its `\u0000` escape. `document` is the parsed text (with locations), when it parsed.
   */
  operationText(text: string, document?: DocumentNode): string {
    const names: StringValueNode[] = [];
    if (document) {
      const collect = (node: { name: { value: string }; value: { kind: string } }) => {
        if (NAME_KEY.test(node.name.value) && node.value.kind === Kind.STRING) names.push(node.value as StringValueNode);
      };
      visit(document, { ObjectField: collect, Argument: collect });
    }
    let out = text;
    // from the end, so that earlier positions stay valid
    for (const n of names.filter((v) => v.loc).sort((a, b) => b.loc!.start - a.loc!.start)) {
      out = `${out.slice(0, n.loc!.start)}${JSON.stringify(`hmac:${this.personal(n.value)}`)}${out.slice(n.loc!.end)}`;
    }
    // PostgreSQL (behind FerretDB) refuses NUL in stored text; graphql-js lets it stand in a comment
    return this.scrubIds(out).replace(/\u0000/g, '\\u0000');
  }

  /** A kept operation text by its `_id`, for the ADMIN `auditLog`; null when missing. */
  async text(id: string): Promise<string | null> {
    const op = await this.connection.db!.collection<AuditOperation>('audit_operations').findOne({ _id: String(id) });
    return op?.text ?? null;
  }

  /** operation hash → the `_id` of its kept text (a promise while it is being written) */
  private readonly keptTexts = new Map<string, Promise<string>>();

  /**
   * Keeps an operation's text in `audit_operations`, once: the first request with a text inserts it
   * (a duplicate key means another request or replica already did), later ones find it in this
   * process's memory without a store command. Returns its `_id`, for the entry.
   */
  keepOperation(operationHash: string, text: string, document?: DocumentNode): Promise<string> {
    let kept = this.keptTexts.get(operationHash);
    if (!kept) {
      if (this.keptTexts.size >= KNOWN_TEXTS) this.keptTexts.clear();
      const stored = this.operationText(text, document);
      const doc: AuditOperation = { _id: sha256(stored), text: stored, at: new Date() };
      kept = this.connection
        .db!.collection<AuditOperation>('audit_operations')
        .insertOne(doc)
        .catch((e: { code?: number }) => {
          if (e?.code !== 11000) throw e;
        })
        .then(() => doc._id);
      kept.catch(() => this.keptTexts.delete(operationHash));
      this.keptTexts.set(operationHash, kept);
    }
    return kept;
  }

  /**
   * Appends an entry at the end of the chain. Group commit: entries that arrive while a write is
   * in flight are chained in arrival order and written together by the next `insertMany` (at most
   * GROUP entries), so under load the trail costs one store write per group instead of one per
   * request, each request still answered only once its own entry is stored. Across processes the
   * unique `_id` decides: the entries after a taken place are chained again after the other
   * process's entry.
   */
  async append(draft: AuditDraft, operation?: { text: string; document?: DocumentNode }): Promise<AuditEntry> {
    // the text is stored before the entry that names it
    const operationTextHash =
      operation && draft.operationHash
        ? await this.keepOperation(draft.operationHash, operation.text, operation.document)
        : (draft.operationTextHash ?? null);
    return new Promise<AuditEntry>((resolve, reject) => {
      this.waiting.push({ draft: { ...draft, operationTextHash }, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private waiting: { draft: AuditDraft; resolve: (e: AuditEntry) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, GROUP);
      try {
        const entries = await this.appendGroup(group.map((g) => g.draft));
        group.forEach((g, i) => g.resolve(entries[i]));
      } catch (err) {
        group.forEach((g) => g.reject(err));
      }
    }
    this.writing = false;
  }

  private async appendGroup(drafts: AuditDraft[]): Promise<AuditEntry[]> {
    // One write per group in the common case: the process knows the end of the chain. When another
    // replica took a place (duplicate _id), the entries before it are stored (the insert is ordered
    // and a group fits in one FerretDB batch), the taken entry is read by _id (an equality lookup
    // every store serves from its key) and the rest are chained after it.
    if (!this.end) this.end = await this.chainEnd();
    const stored: AuditEntry[] = [];
    let rest = drafts;
    for (let attempt = 0; attempt < 1000 && rest.length > 0; attempt++) {
      const chained: AuditEntry[] = [];
      let end = this.end;
      for (const draft of rest) {
        const entry: Omit<AuditEntry, 'hash'> = { _id: end.seq + 1, ...draft, prevHash: end.hash };
        const full: AuditEntry = { ...entry, hash: entryHash(entry) };
        chained.push(full);
        end = { seq: full._id, hash: full.hash };
      }
      try {
        if (chained.length === 1) await this.collection.insertOne(chained[0]);
        else await this.collection.insertMany(chained, { ordered: true });
        this.end = end;
        return [...stored, ...chained];
      } catch (e: any) {
        const failedAt: number | undefined = e?.code === 11000 ? (e.writeErrors?.[0]?.index ?? e.writeErrors?.index ?? 0) : undefined;
        if (failedAt === undefined) {
          this.end = null;
          throw e;
        }
        stored.push(...chained.slice(0, failedAt));
        rest = rest.slice(failedAt);
        // Another process may have written many entries since this one last wrote (replicas behind a
        // balancer take turns): find the end from the taken place in ~2 log₂ k lookups, not k.
        this.end = await this.lastTakenFrom(chained[failedAt]._id);
      }
    }
    throw new Error('audit: could not append after 1000 attempts (too much contention)');
  }

  private async chainEnd(): Promise<{ seq: number; hash: string }> {
    if (this.findEnd === 'sort') {
      const last = await this.collection.find({}, { projection: { _id: 1, hash: 1 }, sort: { _id: -1 }, limit: 1 }).toArray();
      return last[0] ? { seq: last[0]._id, hash: last[0].hash } : { seq: 0, hash: GENESIS };
    }
    const first = await this.place(1);
    return first ? this.lastTakenFrom(1, first) : { seq: 0, hash: GENESIS };
  }

  private place(seq: number) {
    return this.collection.findOne({ _id: seq }, { projection: { _id: 1, hash: 1 } });
  }

  /**
   * The end of the chain, given that place `from` is taken: gallop (from + 1, + 2, + 4, …) until a
   * place is free, then halve the gap. Places are numbered without gaps, so the last taken place is
   * the end. Each step is an `_id` equality, which every store serves from its key.
   */
  private async lastTakenFrom(from: number, known?: { _id: number; hash: string } | null): Promise<{ seq: number; hash: string }> {
    let last = known ?? (await this.place(from));
    if (!last) throw new Error(`audit: place ${from} is taken but cannot be read`);
    let lo = from; // taken
    let step = 1;
    let hi = from + step; // free once the loop ends
    for (let doc = await this.place(hi); doc; doc = await this.place(hi)) {
      lo = hi;
      last = doc;
      step *= 2;
      hi = lo + step;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const doc = await this.place(mid);
      if (doc) {
        lo = mid;
        last = doc;
      } else hi = mid;
    }
    if (last._id !== lo) last = (await this.place(lo))!;
    return { seq: last._id, hash: last.hash };
  }

  /** Entries newest first, for the ADMIN `auditLog` query. */
  async page(
    filter: { actorSub?: string | null; operationName?: string | null; idNumber?: string | null; from?: Date | null; to?: Date | null },
    first: number,
    before?: number | null,
  ): Promise<{ entries: AuditEntry[]; hasNextPage: boolean }> {
    const q: Record<string, unknown> = {};
    if (filter.actorSub) q.$or = [{ 'actor.sub': String(filter.actorSub) }, { recipientSubs: String(filter.actorSub) }];
    // "who saw this person": an array field equal to a value matches the entries that hold it
    if (filter.idNumber) q.idNumbers = this.personal(String(filter.idNumber));
    if (filter.operationName) q.operationName = String(filter.operationName);
    if (filter.from || filter.to) q.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    if (before) q._id = { $lt: before };
    const rows = await this.collection.find(q, { sort: { _id: -1 }, limit: first + 1 }).toArray();
    return { entries: rows.slice(0, first), hasNextPage: rows.length > first };
  }
}

export interface ChainCheck {
  ok: boolean;
  entries: number;
  /** the first entry that does not fit, and why */
  broken?: { id: number; reason: string };
}

/**
 * Recomputes the whole chain in order; reports the first entry that was edited, removed or inserted,
 * or whose operation text is missing or no longer matches its hash (each text is read once).
 * `onProgress` hears the count every `every` entries.
 */
export async function verifyAuditChain(connection: Connection, onProgress?: (n: number) => void, every = 10_000): Promise<ChainCheck> {
  const cursor = connection.db!.collection<AuditEntry>('audit_log').find({}, { sort: { _id: 1 }, batchSize: 1000 });
  const operations = connection.db!.collection<AuditOperation>('audit_operations');
  const textsChecked = new Set<string>();
  let prevHash = GENESIS;
  let expected = 1;
  let n = 0;
  for await (const e of cursor) {
    n++;
    if (e._id !== expected)
      return {
        ok: false,
        entries: n,
        broken: { id: e._id, reason: `entry ${expected} is missing (deleted?): the chain jumps from ${expected - 1} to ${e._id}` },
      };
    if (e.prevHash !== prevHash)
      return { ok: false, entries: n, broken: { id: e._id, reason: "its prevHash does not match the previous entry's hash" } };
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash)
      return { ok: false, entries: n, broken: { id: e._id, reason: 'its content does not match its hash (edited)' } };
    if (e.operationTextHash && !textsChecked.has(e.operationTextHash)) {
      const op = await operations.findOne({ _id: e.operationTextHash });
      if (!op)
        return { ok: false, entries: n, broken: { id: e._id, reason: `its operation text ${e.operationTextHash} is missing (deleted?)` } };
      if (sha256(op.text) !== op._id)
        return {
          ok: false,
          entries: n,
          broken: { id: e._id, reason: `its operation text ${e.operationTextHash} does not match its hash (edited)` },
        };
      textsChecked.add(e.operationTextHash);
    }
    prevHash = hash;
    expected++;
    if (n % every === 0) onProgress?.(n);
  }
  return { ok: true, entries: n };
}
