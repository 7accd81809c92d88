/**
 * Time and peak memory of a full evaluation of the supervision rules over a seeded data set, and a
 * check of the leads found against the counts the generator planted.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27200/ npx tsx bench/evaluate-rules.ts --db rules100k --persons 64600 --seed 7 [--runs 2]
 *
 * Seed the database first with `npm run seed` (MONGODB_DB=<db>, same --persons and --seed, same day).
 * The first run creates the leads; the second shows a re-run (nothing new, all still open).
 */
import { parseArgs } from 'node:util';
import { connectStore } from '../datasources/store/connection';
import { createModels } from '../datasources/store/models';
import { createDataSources } from '../datasources';
import { syntheticReport } from '../domain/synthetic';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'hub' },
      persons: { type: 'string' },
      seed: { type: 'string', default: '1' },
      runs: { type: 'string', default: '2' },
      chunk: { type: 'string', default: '250000' },
      fresh: { type: 'boolean', default: false },
    },
  });
  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27027/';
  const connection = await connectStore({ uri, dbName: values.db!, timeoutMs: 5000 });
  const models = createModels(connection);
  const sources = createDataSources(models, { evaluation: { chunkRecords: Number(values.chunk) } });
  await sources.leads.ensureIndexes();
  await sources.evaluator.ensureIndexes();
  await sources.registry.load();
  if (values.fresh) await sources.leads.models.Lead.deleteMany({});
  for (let run = 1; run <= Number(values.runs); run++) {
    const started = Date.now();
    let lastLine = 0;
    const report = await sources.evaluator.evaluate({
      actor: 'bench',
      trigger: 'manual',
      onProgress: (p) => {
        if (Date.now() - lastLine < 5000 && p.chunk < p.chunks) return;
        lastLine = Date.now();
        process.stdout.write(
          `  run ${run}: chunk ${p.chunk}/${p.chunks}, ${p.records}/${p.totalRecords} records, ${p.persons} persons, ${((Date.now() - started) / 1000).toFixed(1)} s, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB\n`,
        );
      },
    });
    const doc = await sources.evaluator.Run.findById(report.runId).lean();
    process.stdout.write(`run ${run}: ${JSON.stringify(report)}\n  peak RSS ${(doc!.peakRss! / 1048576).toFixed(0)} MiB\n`);
  }
  const byRule = await sources.leads.models.Lead.aggregate<{ _id: string; n: number }>([
    { $match: { status: { $in: ['NEW', 'ACKNOWLEDGED'] } } },
    { $group: { _id: '$rule', n: { $sum: 1 } } },
  ]);
  const found = Object.fromEntries(byRule.map((r) => [r._id, r.n]));
  if (values.persons) {
    const expected = syntheticReport({ persons: Number(values.persons), seed: Number(values.seed), today: new Date() }).planted;
    let same = true;
    for (const [rule, n] of Object.entries(expected)) {
      const f = found[rule] ?? 0;
      if (f !== n) same = false;
      process.stdout.write(
        `  ${rule.padEnd(30)} planted ${String(n).padStart(7)}  open leads ${String(f).padStart(7)}${f === n ? '' : '  ≠'}\n`,
      );
    }
    process.stdout.write(same ? 'every rule found exactly what was planted\n' : 'MISMATCH\n');
  } else process.stdout.write(`open leads per rule: ${JSON.stringify(found)}\n`);
  await connection.close();
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
