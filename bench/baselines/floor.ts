/**
 * The floor: the benchmark's data fetched with the MongoDB driver alone, over a bare node:http
 * server, with the fewest store queries that answer each scenario and only the fields it shows.
 * No GraphQL, no authentication, no audit: what the hub costs on top is measured against this.
 *
 *   npx tsx bench/baselines/floor.ts --uri mongodb://127.0.0.1:27200/ --db bench_100k --port 4100
 *
 * The store work is the hub's plan for the store at hand, without the hub around it: batches of ID
 * numbers as one `$in` on MongoDB and as parallel equalities on FerretDB (which answers `$in` by
 * reading the whole collection; datasources/store/lookup.ts), counts per source on FerretDB, list pages
 * day by day on FerretDB (which sorts every match itself; datasources/store/ferretdb/record-days.ts).
 *
 * Routes (JSON bodies): POST /dossier {idNumbers}, POST /list {regionPrefix, after?, first},
 * POST /statistics {domain}. Prints `LISTENING <url>` when ready.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { MongoClient, ObjectId, type Db, type Document } from 'mongodb';
import { findByKeys, type BatchLookup } from '../../datasources/store/lookup';
import { readByDay } from '../../datasources/store/ferretdb/record-days';
import { listedCustodyDays } from '../lib/days';

const { values } = parseArgs({ options: { uri: { type: 'string' }, db: { type: 'string' }, port: { type: 'string', default: '0' } } });

/** The fields each scenario shows, per collection (the same the GraphQL scenarios select). */
export const FIELDS = {
  detention_records: [
    'externalId',
    'idNumber',
    'name',
    'region',
    'eventAt',
    'updatedAt',
    'facility',
    'caseNumber',
    'stage',
    'admittedAt',
    'releasedAt',
  ],
  prison_records: [
    'externalId',
    'idNumber',
    'name',
    'region',
    'eventAt',
    'updatedAt',
    'prison',
    'crime',
    'status',
    'admittedAt',
    'expectedReleaseDate',
  ],
  community_corrections: [
    'externalId',
    'idNumber',
    'name',
    'region',
    'eventAt',
    'updatedAt',
    'office',
    'correctionType',
    'status',
    'startDate',
    'endDate',
  ],
  enforcement_cases: [
    'externalId',
    'idNumber',
    'name',
    'region',
    'eventAt',
    'updatedAt',
    'agency',
    'caseNumber',
    'category',
    'amountInvolved',
    'status',
  ],
} as const;
type CollectionName = keyof typeof FIELDS;
const COLLECTIONS = Object.keys(FIELDS) as CollectionName[];
const STAT_COLLECTION: Record<string, CollectionName> = {
  DETENTION: 'detention_records',
  PRISON: 'prison_records',
  COMMUNITY_CORRECTION: 'community_corrections',
  ENFORCEMENT_CASE: 'enforcement_cases',
};

function projection(c: CollectionName): Document {
  return Object.fromEntries(FIELDS[c].map((f) => [f, 1]));
}

/** Each person's records in every collection, newest first, and their name (from the newest update). */
async function dossiers(db: Db, ids: string[], lookup: BatchLookup) {
  const perCollection = await Promise.all(
    COLLECTIONS.map(async (c) => {
      const rows = await findByKeys<Document>(db.collection(c), 'idNumber', ids, { eventAt: -1, _id: -1 }, lookup);
      const by = new Map<string, Document[]>();
      for (const r of rows) {
        const { idNumber } = r;
        if (!by.has(idNumber)) by.set(idNumber, []);
        by.get(idNumber)!.push(r);
      }
      return by;
    }),
  );
  return ids.map((id) => {
    const records = perCollection.map((by) => by.get(id) ?? []);
    let newest: Document | undefined;
    for (const list of records) for (const r of list) if (!newest || r.updatedAt > newest.updatedAt) newest = r;
    if (!newest) return null;
    const out: Document = { idNumber: id, name: newest.name };
    COLLECTIONS.forEach((c, i) => {
      out[c] = records[i].slice(0, 50).map((r) => pick(r, FIELDS[c]));
    });
    return out;
  });
}

function pick(r: Document, fields: readonly string[]): Document {
  const o: Document = { id: String(r._id) };
  for (const f of fields) if (f !== 'idNumber' && f !== 'name') o[f] = r[f] ?? null;
  return o;
}

/**
 * A page of custody records of one area (region code prefix), keyset-paged, each with its person as
 * the hub gives it on a record (the ID number and the name that record carries): one query.
 */
/**
 * The custody days listed in the registry, newest first, or null before it is complete; read once
 * per process, as the hub keeps its list (the data does not change during a benchmark).
 */
let listedDays: Promise<string[] | null> | undefined;
function detentionDays(db: Db): Promise<string[] | null> {
  listedDays ??= listedCustodyDays(db);
  return listedDays;
}

async function list(db: Db, regionPrefix: string, first: number, after: string | undefined, lookup: BatchLookup) {
  // An area prefix is equality on the array of prefixes: FerretDB pushes it down, MongoDB uses the index.
  const query: Document = { regionPath: regionPrefix };
  let pos: { at: Date; id: ObjectId } | null = null;
  if (after) {
    const [ms, id] = after.split('_');
    pos = { at: new Date(Number(ms)), id: new ObjectId(id) };
  }
  const read = (q: Document, p: typeof pos, limit: number) =>
    db
      .collection('detention_records')
      .find(p ? { ...q, $or: [{ eventAt: { $lt: p.at } }, { eventAt: p.at, _id: { $lt: p.id } }] } : q, {
        sort: { eventAt: -1, _id: -1 },
        limit,
        projection: projection('detention_records'),
      })
      .toArray();
  // On FerretDB, which sorts every match itself, day by day as the hub reads (datasources/store/ferretdb/record-days.ts).
  const days = lookup === 'equality' ? await detentionDays(db) : null;
  const rows = days
    ? await readByDay(days, { newest: pos?.at }, first + 1, (day, isPos, want) =>
        read({ ...query, eventDay: day }, isPos ? pos : null, want),
      )
    : await read(query, pos, first + 1);
  const page = rows.slice(0, first);
  const last = page[page.length - 1];
  return {
    records: page.map((r) => ({ ...pick(r, FIELDS.detention_records), person: { idNumber: r.idNumber, name: r.name } })),
    endCursor: last ? `${(last.eventAt as Date).getTime()}_${String(last._id)}` : null,
    hasNextPage: rows.length > first,
  };
}

/**
 * Records counted by district and month. On FerretDB one aggregate per hosted source (equality on
 * `sourceId`), summed, as the hub does: its `$group` slows down with the number of groups.
 */
async function statistics(db: Db, domain: string, lookup: BatchLookup) {
  const c = STAT_COLLECTION[domain];
  if (!c) throw new Error(`unknown domain ${domain}`);
  const matches: Document[] =
    lookup === 'equality'
      ? (
          await db
            .collection('data_sources')
            .find({ domain, kind: 'HOSTED', status: 'ACTIVE' }, { projection: { _id: 1 } })
            .toArray()
        ).map((x) => ({ sourceId: x._id }))
      : [{}];
  const parts = await Promise.all(
    matches.map((m) =>
      db
        .collection(c)
        .aggregate<{ _id: { r: string; m: string }; n: number }>(
          [{ $match: m }, { $group: { _id: { r: '$region', m: '$eventMonth' }, n: { $sum: 1 } } }],
          { batchSize: 100_000 },
        )
        .toArray(),
    ),
  );
  const sum = new Map<string, { region: string; month: string; count: number }>();
  for (const x of parts.flat()) {
    const k = `${x._id.r}|${x._id.m}`;
    const b = sum.get(k);
    if (b) b.count += x.n;
    else sum.set(k, { region: x._id.r, month: x._id.m, count: x.n });
  }
  return [...sum.values()].sort((a, b) =>
    a.region < b.region ? -1 : a.region > b.region ? 1 : a.month < b.month ? -1 : a.month > b.month ? 1 : 0,
  );
}

async function main() {
  if (!values.uri || !values.db) throw new Error('--uri and --db are required');
  const client = await new MongoClient(values.uri, { maxPoolSize: 20 }).connect();
  const db = client.db(values.db);
  const info = await db.admin().command({ buildInfo: 1 });
  const lookup: BatchLookup = typeof info.ferretdbVersion === 'string' ? 'equality' : 'in';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        switch (req.url) {
          case '/dossier':
            return dossiers(db, body.idNumbers, lookup);
          case '/list':
            return list(db, body.regionPrefix, body.first ?? 100, body.after, lookup);
          case '/statistics':
            return statistics(db, body.domain, lookup);
          default:
            throw Object.assign(new Error(`no route ${req.url}`), { status: 404 });
        }
      })().then(
        (data) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data }));
        },
        (err: Error & { status?: number }) => {
          res.writeHead(err.status ?? 500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: err.message }));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(values.port), '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.stdout.write(`LISTENING http://127.0.0.1:${port}/\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void client.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`floor: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
