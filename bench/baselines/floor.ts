/**
 * The floor: the benchmark's data read with the hub's own store plan, without the hub around it: no
 * GraphQL, no authentication, no audit, a bare node:http server. What the hub costs on top of the
 * least its store work allows is measured against this.
 *
 *   npx tsx bench/baselines/floor.ts --uri mongodb://127.0.0.1:27200/ --db bench_100k --port 4100
 *
 * How it is derived: it calls the hub's plan code itself (imported from datasources/, never copied),
 * on the same kind of connection the hub has (a mongoose connection, whose collections are the
 * driver's), with the store profile the hub picks for the store at hand (store/profile.ts):
 * - dossiers: `RecordStore.byIdNumbers` per domain, one batch of the request's ID numbers (`$in` on
 *   MongoDB, parallel equalities on FerretDB: store/lookup.ts), with the projection the hub makes of
 *   the benchmark's own dossier operation (store/projection.ts on the hub's schema), so both read the
 *   same fields; the person is named as the hub names them (store/persons.ts);
 * - list pages: `RecordStore.page` with the hub's filter (`commonQuery`), position and projection:
 *   the same days registry and the same learned hour plans (ferretdb/record-days.ts, hour-plans.ts),
 *   learned in this process as the hub learns them in its own;
 * - statistics from the counts kept ahead (`kept: true`): the hub's counts-ahead path itself
 *   (`countAhead` over `StatCounts`, its answers kept while the partitions' tokens hold), folded to
 *   district × month; statistics aggregated at each request (`kept: false`): the aggregate the hub
 *   sends when counting ahead is off (`countHosted`: one per hosted source on FerretDB), summed.
 * The data sources are read once at start and answered from memory, as the hub's registry does.
 *
 * Routes (JSON bodies): POST /dossier {idNumbers}, POST /list {regionPrefix, after?, first},
 * POST /statistics {domain, regionPrefix, kept}. Prints `LISTENING <url>` when ready.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { buildSchema, parse } from 'graphql';
import type { Document } from 'mongodb';
import { createModels, type AnyRecordDoc, type Models } from '../../datasources/store/models';
import { chooseStoreProfile, type StoreProfile } from '../../datasources/store/profile';
import { RecordStore } from '../../datasources/store/record-store';
import { applyDomainFilter, type DomainFilter } from '../../datasources/store/record-filters';
import { RecordDays } from '../../datasources/store/ferretdb/record-days';
import { recordProjections, type Projections } from '../../datasources/store/projection';
import { personOfRecords } from '../../datasources/store/persons';
import { StatCounts } from '../../datasources/services/stat-counts';
import { GROUP_SHAPE } from '../../datasources/services/statistics';
import { countAhead, KeptAnswers, type AheadDeps } from '../../datasources/services/statistics/ahead';
import { SHAPES, type RawRow } from '../../datasources/services/statistics/shape';
import { countHosted, type HostedDeps } from '../../datasources/services/statistics/hosted';
import type { SourceRegistry } from '../../datasources/sources/registry';
import { DOMAINS, type Domain } from '../../domain/record-domains';
import { loadTypeDefs } from '../../server/schema';
import { HUB_DOSSIER, HUB_LIST, SHOWN } from '../scenarios';

const { values } = parseArgs({ options: { uri: { type: 'string' }, db: { type: 'string' }, port: { type: 'string', default: '0' } } });

/** Per domain: the floor's answer key and the fields it shows (the same the GraphQL scenarios select). */
const OUT: Record<Domain, { key: string; shown: readonly string[] }> = {
  DETENTION: { key: 'detention_records', shown: SHOWN.detention },
  PRISON: { key: 'prison_records', shown: SHOWN.prison },
  COMMUNITY_CORRECTION: { key: 'community_corrections', shown: SHOWN.correction },
  ENFORCEMENT_CASE: { key: 'enforcement_cases', shown: SHOWN.enforcement },
};

function pick(r: Document, fields: readonly string[]): Document {
  const o: Document = {};
  for (const f of fields) o[f] = f === 'id' ? String(r._id) : (r[f] ?? null);
  return o;
}

/** The hub's projections of the benchmark's operations: what the hub asks the store for, per domain. */
function hubProjections(query: string): Projections {
  return recordProjections(buildSchema(loadTypeDefs()), parse(query));
}

interface Floor {
  models: Models;
  profile: StoreProfile;
  hosted: Record<Domain, RecordStore<Domain>>;
  dossierFields: Projections;
  listFields: Projections;
  ahead: AheadDeps;
  live: HostedDeps;
}

/** Each person's records in every domain (newest first, 50 at most), named as the hub names a person. */
async function dossiers(f: Floor, ids: string[]) {
  const perDomain = await Promise.all(DOMAINS.map((d) => f.hosted[d].byIdNumbers(ids, f.dossierFields[d])));
  return ids.map((id, i) => {
    const records = perDomain.map((lists) => lists[i]);
    const person = personOfRecords(records.flat() as AnyRecordDoc[]);
    if (!person) return null;
    const out: Document = { idNumber: person.idNumber, name: person.name };
    DOMAINS.forEach((d, k) => {
      out[OUT[d].key] = records[k].slice(0, 50).map((r) => pick(r, OUT[d].shown));
    });
    return out;
  });
}

/** A page of custody records of one area (region prefix), keyset-paged, each with its person as that record names them. */
async function list(f: Floor, regionPrefix: string, first: number, after: string | undefined) {
  const store = f.hosted.DETENTION;
  let pos: { eventAt: Date; id: Types.ObjectId } | null = null;
  if (after) {
    const [ms, id] = after.split('_');
    pos = { eventAt: new Date(Number(ms)), id: new Types.ObjectId(id) };
  }
  const rows = (await store.page(store.query({ regions: [regionPrefix] }), pos, first + 1, f.listFields.DETENTION)) as Document[];
  const page = rows.slice(0, first);
  const last = page[page.length - 1];
  return {
    records: page.map((r) => ({ ...pick(r, SHOWN.detention), person: { idNumber: r.idNumber, name: r.name } })),
    endCursor: last ? `${(last.eventAt as Date).getTime()}_${String(last._id)}` : null,
    hasNextPage: rows.length > first,
  };
}

type Bucket = { region: string; month: string; count: number };
const byRegionMonth = (a: Bucket, b: Bucket) =>
  a.region < b.region ? -1 : a.region > b.region ? 1 : a.month < b.month ? -1 : a.month > b.month ? 1 : 0;

/** District × month from the counts kept ahead: the hub's own counts-ahead path, its answer kept while the partitions hold. */
async function keptStatistics(f: Floor, domain: Domain, regionPrefix: string): Promise<Bucket[]> {
  const question = JSON.stringify([domain, regionPrefix]);
  const hosted = await countAhead(
    f.ahead,
    domain,
    SHAPES[domain],
    ['REGION', 'MONTH'],
    {},
    { regions: [regionPrefix] },
    () => true,
    question,
  );
  if (!hosted) throw new Error('the counts ahead are not built in this store (start the hub on it once)');
  if ('kept' in hosted) return hosted.kept as unknown as Bucket[];
  const buckets = sumRows(hosted.rows);
  if (hosted.version) f.ahead.kept.keep(question, hosted.version, buckets as never);
  return buckets;
}

/** District × month aggregated in the store at each request: the hub's own aggregation with counting ahead off (statistics/hosted.ts). */
async function liveStatistics(f: Floor, domain: Domain, regionPrefix: string): Promise<Bucket[]> {
  return sumRows(await countHosted(f.live, domain, SHAPES[domain], ['REGION', 'MONTH'], { regions: [regionPrefix] }, {}));
}

/** Rows by district and month (as the counts-ahead path and the aggregation give them) as buckets. */
function sumRows(rows: readonly RawRow[]): Bucket[] {
  const sum = new Map<string, Bucket>();
  for (const row of rows) {
    const k = `${row.key.r}|${row.key.m}`;
    const b = sum.get(k);
    if (b) b.count += row.count;
    else sum.set(k, { region: row.key.r!, month: row.key.m!, count: row.count });
  }
  return [...sum.values()].sort(byRegionMonth);
}

/**
 * The data sources, read once, answering as the hub's registry does from memory (SourceRegistry
 * `list`, `get`): which sources are hosted, active, suspended. The benchmark's sources do not change.
 */
async function registryOf(models: Models): Promise<SourceRegistry> {
  const sources = await models.DataSource.find({}).lean();
  return {
    list: (domain: Domain, status?: string) => sources.filter((s) => s.domain === domain && (!status || s.status === status)),
    get: (id: string) => sources.find((s) => String(s._id) === String(id)),
  } as unknown as SourceRegistry;
}

async function main() {
  if (!values.uri || !values.db) throw new Error('--uri and --db are required');
  const connection = mongoose.createConnection(values.uri, { dbName: values.db, autoCreate: false, autoIndex: false, maxPoolSize: 20 });
  await connection.asPromise();
  const models = createModels(connection);
  const profile = await chooseStoreProfile(connection);
  const days = new RecordDays(connection);
  const hosted = Object.fromEntries(
    DOMAINS.map((d) => {
      const store = new RecordStore(d, models.records[d] as never, (filter: DomainFilter, q) => applyDomainFilter(d, filter, q));
      store.lookup = profile.batchLookup;
      store.listReads = profile.listReads;
      store.days = days;
      return [d, store];
    }),
  ) as unknown as Floor['hosted'];
  const counted = new StatCounts(models, GROUP_SHAPE, Date.now, profile.listReads === 'by-day' ? days : undefined);
  const registry = await registryOf(models);
  const floor: Floor = {
    models,
    profile,
    hosted,
    dossierFields: hubProjections(HUB_DOSSIER),
    listFields: hubProjections(HUB_LIST),
    ahead: { counted, registry, kept: new KeptAnswers(), maxBuckets: 10_000 },
    live: { models, registry, hosted: hosted as never, perSource: profile.statisticsPerSource },
  };
  const domainOf = (name: string): Domain => {
    if (!(DOMAINS as readonly string[]).includes(name)) throw Object.assign(new Error(`unknown domain ${name}`), { status: 400 });
    return name as Domain;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        switch (req.url) {
          case '/dossier':
            return dossiers(floor, body.idNumbers);
          case '/list':
            return list(floor, body.regionPrefix, body.first ?? 100, body.after);
          case '/statistics':
            return body.kept
              ? keptStatistics(floor, domainOf(body.domain), body.regionPrefix)
              : liveStatistics(floor, domainOf(body.domain), body.regionPrefix);
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
    void connection.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`floor: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
