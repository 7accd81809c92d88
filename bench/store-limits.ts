/**
 * What FerretDB 1.24 on PostgreSQL allows, measured with the driver alone on the benchmark's data
 * (no hub): the limits the hub's figures run into. Each line is one plain operation, timed here.
 *
 *   npx tsx bench/store-limits.ts [--scale 100k] [--out bench/results/store-limits]
 *
 * Needs the data set `npm run bench` generates (bench_<scale> in PostgreSQL database hub_bench).
 * Writes <out>/<date>-<scale>.md and prints the same lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient, type Document } from 'mongodb';
import { startBenchStore } from './lib/dataset';
import { ensureEqualityIndexes, EQUALITY_FIELDS } from '../datasources/store/ferretdb/indexes';
import { createLogger } from '../lib/logger';
import { projectRoot } from '../server/paths';
import { createModels } from '../datasources/store/models';
import { readListedDays } from '../datasources/store/ferretdb/record-days';

const { values: args } = parseArgs({
  options: { scale: { type: 'string', default: '100k' }, out: { type: 'string', default: 'bench/results/store-limits' } },
});
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};
const ms = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
  const t = process.hrtime.bigint();
  const r = await f();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const store = await startBenchStore(process.env.BENCH_POSTGRES_URL, process.env.BENCH_POSTGRES_DB ?? 'hub_bench');
  const client = await new MongoClient(store.store.uri, { maxPoolSize: 20 }).connect();
  try {
    const db = client.db(`bench_${args.scale}`);
    const custody = db.collection('detention_records');
    const total = await custody.estimatedDocumentCount();
    if (!total) throw new Error(`no data in bench_${args.scale}: run npm run bench first`);
    say(
      `# FerretDB 1.24 limits, ${args.scale} data set (${total.toLocaleString('en')} custody records), ${new Date().toISOString().slice(0, 10)}`,
    );
    say('');
    say('| what | measured |');
    say('|---|---|');

    // Reading: the rate at which FerretDB turns stored rows into documents bounds every full read.
    const [readMs, n] = await ms(async () => {
      let k = 0;
      for await (const _ of custody.find({}, { batchSize: 10_000 })) k++;
      return k;
    });
    say(
      `| read every custody record (one cursor) | ${n.toLocaleString('en')} documents in ${r1(readMs / 1000)} s: ${Math.round(n / (readMs / 1000)).toLocaleString('en')} documents/s |`,
    );

    // Lookups: an equality is pushed down (GIN-indexed); $in is not.
    const ids = (await custody.find({}, { projection: { idNumber: 1 }, limit: 100 }).toArray()).map((d) => d.idNumber as string);
    const one: number[] = [];
    for (let i = 0; i < 20; i++) one.push((await ms(() => custody.find({ idNumber: ids[i] }).toArray()))[0]);
    say(`| one person's custody records, equality (median of 20) | ${r1(median(one))} ms |`);
    const [parallelMs] = await ms(() => Promise.all(ids.map((id) => custody.find({ idNumber: id }).toArray())));
    say(`| 100 persons, 100 equalities in parallel | ${r1(parallelMs)} ms |`);
    const [inMs] = await ms(() => custody.find({ idNumber: { $in: ids } }).toArray());
    say(`| 100 persons, one \`$in\` (not pushed down: reads the collection) | ${r1(inMs)} ms |`);

    // Sorting: not pushed down; a sorted page reads and sorts every match.
    const area = '5002';
    const [sortedMs, matched] = await ms(
      async () => (await custody.find({ regionPath: area }, { sort: { eventAt: -1, _id: -1 }, limit: 100 }).toArray()).length,
    );
    const areaCount = await custody.countDocuments({ regionPath: area });
    say(
      `| newest 100 custody records of area ${area}, one sorted find (${areaCount.toLocaleString('en')} match) | ${r1(sortedMs)} ms for ${matched} |`,
    );
    const days = await readListedDays(db, 'DETENTION');
    const [dayMs, dayRows] = await ms(async () => {
      const out: Document[] = [];
      for (let i = 0; i < days.length && out.length < 100; i++)
        out.push(
          ...(await custody
            .find({ regionPath: area, eventDay: days[i] }, { sort: { eventAt: -1, _id: -1 }, limit: 100 - out.length })
            .toArray()),
        );
      return out.length;
    });
    say(`| the same page day by day (eventDay equality, one day after the other) | ${r1(dayMs)} ms for ${dayRows} |`);

    // Grouping: one aggregate with many groups, against one per source, against just reading.
    const sources = (
      await db
        .collection('data_sources')
        .find({ domain: 'DETENTION', kind: 'HOSTED' }, { projection: { _id: 1 } })
        .toArray()
    ).map((d) => d._id);
    const group = { $group: { _id: { r: '$region', m: '$eventMonth' }, v: { $sum: 1 } } };
    const [perSourceMs, groups] = await ms(
      async () =>
        (await Promise.all(sources.map((id) => custody.aggregate([{ $match: { sourceId: id } }, group]).toArray()))).flat().length,
    );
    say(
      `| custody records by district × month, one aggregate per source (${sources.length} sources, ${groups.toLocaleString('en')} groups) | ${r1(perSourceMs / 1000)} s |`,
    );

    // Writing: round trip of one small insert (what the audit trail adds to each answer) against one find.
    const scratch = client.db('bench_store_limits');
    await scratch.dropDatabase();
    const log = scratch.collection('audit_like');
    await log.insertOne({ _id: 0 as never, warm: true });
    await ensureEqualityIndexes(store.postgresUrl, 'bench_store_limits', createLogger('warn'), { audit_like: ['_id'] });
    const inserts: number[] = [];
    const finds: number[] = [];
    for (let i = 1; i <= 100; i++) {
      inserts.push(
        (
          await ms(() =>
            log.insertOne({
              _id: i as never,
              at: new Date(),
              actor: { kind: 'person', sub: 'x' },
              hash: 'f'.repeat(64),
              prevHash: 'e'.repeat(64),
              recordIds: ['a'.repeat(24)],
            }),
          )
        )[0],
      );
      finds.push((await ms(() => custody.find({ idNumber: ids[i % ids.length] }).toArray()))[0]);
    }
    say(`| one small insert, committed (median of 100, one at a time) | ${r1(median(inserts))} ms |`);
    say(`| one indexed find of a person's records (median of 100, between the inserts) | ${r1(median(finds))} ms |`);

    // Bulk writes: one writer against several, with every B-tree index and with the unique one only.
    const sample = (await custody.find({}, { limit: 20_000 }).toArray()).map(({ _id, ...d }) => d);
    // the custody indexes the hub defines (models.ts): all of them on MongoDB, the unique ones on FerretDB
    const defined = createModels().records.DETENTION.schema.indexes() as [Document, { unique?: boolean }][];
    for (const [writers, indexes] of [
      [1, 'unique'],
      [1, 'all'],
      [4, 'unique'],
      [4, 'all'],
    ] as const) {
      await scratch
        .collection('bulk')
        .drop()
        .catch(() => undefined);
      const bulk = scratch.collection('bulk');
      await scratch.createCollection('bulk');
      for (const [key, options] of defined)
        if (indexes === 'all' || options?.unique) await bulk.createIndex(key, { unique: options?.unique ?? false });
      await ensureEqualityIndexes(store.postgresUrl, 'bench_store_limits', createLogger('warn'), {
        bulk: EQUALITY_FIELDS.detention_records,
      });
      const batches: Document[][] = [];
      for (let i = 0; i < sample.length; i += 1000) batches.push(sample.slice(i, i + 1000).map((d) => ({ ...d })));
      let next = 0;
      const [writeMs] = await ms(() =>
        Promise.all(
          Array.from({ length: writers }, async () => {
            while (next < batches.length) await bulk.insertMany(batches[next++], { ordered: true });
          }),
        ),
      );
      say(
        `| insertMany of ${sample.length.toLocaleString('en')} custody records in batches of 1,000, ${writers} writer(s), ${indexes === 'all' ? 'every B-tree index' : 'unique index only'} | ${Math.round(sample.length / (writeMs / 1000)).toLocaleString('en')} records/s |`,
      );
    }
    await scratch.dropDatabase();
  } finally {
    await client.close();
    await store.stop();
  }
  const file = path.resolve(projectRoot, args.out!, `${new Date().toISOString().slice(0, 10)}-${args.scale}.md`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  process.stdout.write(`written: ${path.relative(projectRoot, file)}\n`);
}

main().catch((err) => {
  process.stderr.write(`store-limits: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
