/**
 * The demo data: whether the store holds none, the seed run with a progress bar on the terminal (or a
 * line per 10 % when not a TTY), and a person to show in examples.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Model } from 'mongoose';
import type { DataSources } from '../datasources';
import { DOMAINS, type Domain } from '../domain/records';
import type { AnyRecordDoc } from '../datasources/store/models';
import { seed, type SeedProgress } from '../datasources/seed';
import { seedSupervision, type SupervisionSeedResult } from '../datasources/seed-supervision';
import { syntheticReport } from '../domain/synthetic';

export async function seedDemoData(
  sources: DataSources,
  options: {
    persons: number;
    seed: number;
    progress: boolean;
    today?: Date;
    /** the year of documents and consultations too (default true; the benchmark's data sets leave it out) */ supervision?: boolean;
  },
): Promise<SeedProgress & { supervision: SupervisionSeedResult | null }> {
  const started = Date.now();
  const tty = options.progress && process.stdout.isTTY;
  const bar = tty
    ? new SingleBar(
        { format: 'seeding [{bar}] {percentage}% | {value}/{total} persons | {records} records | {eta}s left' },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(options.persons, 0, { records: 0 });
  let lastTenth = -1;
  const today = options.today ?? new Date();
  const result = await seed(sources, {
    persons: options.persons,
    seed: options.seed,
    today,
    onProgress: (p) => {
      bar?.update(p.persons, { records: p.records });
      const tenth = Math.floor((p.persons / options.persons) * 10);
      if (!tty && options.progress && tenth !== lastTenth) {
        lastTenth = tenth;
        process.stdout.write(`seeding: ${p.persons}/${options.persons} persons, ${p.records} records\n`);
      }
    },
  });
  bar?.stop();
  if (options.progress) {
    const s = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `seeded ${result.persons} persons, ${result.records} records in ${s} s: ${result.result.accepted} accepted, ${result.result.unchanged} unchanged, ${result.result.rejected.length} rejected\n`,
    );
    // What the supervision rules should find in this data set (one finding per planted case).
    const report = syntheticReport({ persons: options.persons, seed: options.seed, today });
    const records = Object.entries(report.records)
      .map(([d, n]) => `${d} ${n}`)
      .join(', ');
    process.stdout.write(`records by domain: ${records}; persons in all four domains: ${report.crossDomainPersons}\n`);
    process.stdout.write(
      `planted irregularities: ${Object.entries(report.planted)
        .map(([r, n]) => `${r} ${n}`)
        .join(', ')}\n`,
    );
  }
  if (options.supervision === false) return { ...result, supervision: null };
  // A year of supervision documents and consultations on these records, through the services.
  const supervisionStarted = Date.now();
  if (options.progress) process.stdout.write('seeding a year of supervision documents and two-way consultations…\n');
  const supervision = await seedSupervision(sources, { persons: options.persons, seed: options.seed, today });
  if (options.progress) process.stdout.write(supervisionSummary(supervision, (Date.now() - supervisionStarted) / 1000));
  return { ...result, supervision };
}

/** The seed's lines about documents and consultations: counts by state, and what it did this run. */
export function supervisionSummary(s: SupervisionSeedResult, seconds: number): string {
  const d = s.documents;
  const c = s.consultations;
  const states = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const lines = [
    `supervision documents: ${d.total} (检察建议 ${d.byKind.RECOMMENDATION}, 纠正违法通知书 ${d.byKind.CORRECTION_NOTICE}): ${states(d.byStatus)}; ${d.overdue} overdue, ${d.dueWithin7Days} due within 7 days, ${d.answeredLate} answered late`,
    `two-way consultations: ${c.total}: ${states(c.byStatus)}`,
    `(this run: ${d.issued} documents issued, ${d.steps} steps, ${c.opened} consultations opened, ${c.messages} messages, in ${seconds.toFixed(1)} s: planning ${s.seconds.planning.toFixed(1)}, issuing ${s.seconds.issuing.toFixed(1)}, steps ${s.seconds.steps.toFixed(1)}${
      s.keptEarlier ? '; the demo documents of another seed or size were there and are kept' : ''
    })`,
  ];
  if (s.refused.count > 0) lines.push(`${s.refused.count} steps refused by the services, the first: ${s.refused.first}`);
  return `${lines.join('\n')}\n`;
}

/**
 * An ID number to show in examples: a person with records in every domain among the first
 * few dozen prison records, else any person. Equality lookups only (cheap on every store).
 */
export async function firstPersonId(sources: DataSources): Promise<string | undefined> {
  const model = (d: Domain) => sources.models.records[d] as unknown as Model<AnyRecordDoc>;
  // prison records are the rarest in the demo data: a person with one is the likeliest to have all four
  const [rarest, ...others] = ['PRISON' as Domain, ...DOMAINS.filter((d) => d !== 'PRISON')];
  const candidates = (await model(rarest).find({}, { idNumber: 1 }).limit(40).lean()).map((r) => r.idNumber);
  for (const id of candidates) {
    const found = await Promise.all(others.map((d) => model(d).exists({ idNumber: id })));
    if (found.every(Boolean)) return id;
  }
  if (candidates.length > 0) return candidates[0];
  for (const d of others) {
    const r = await model(d).findOne({}, { idNumber: 1 }).lean();
    if (r) return r.idNumber;
  }
  return undefined;
}

/** Whether the store holds no record at all (then `npm start` seeds the demo data). */
export async function storeIsEmpty(sources: DataSources): Promise<boolean> {
  for (const m of Object.values(sources.models.records) as Model<AnyRecordDoc>[]) {
    if (await m.exists({})) return false;
  }
  return true;
}

/** `hub_meta` document of the demo seed: `running` from its start until it is complete. */
const DEMO_SEED = 'demo-seed';
const hubMeta = (sources: DataSources) => sources.models.DataSource.db.collection<{ _id: string; state: string; at: Date }>('hub_meta');

/**
 * Whether `npm start` should seed: the store holds no records, or a seed was cut short (the process
 * stopped while seeding). Seeding again is safe: the generator is deterministic and a record sent
 * again with its stored version is counted unchanged, so the second run completes the first.
 */
export async function demoSeedWanted(sources: DataSources): Promise<'empty' | 'interrupted' | null> {
  if ((await hubMeta(sources).findOne({ _id: DEMO_SEED }))?.state === 'running') return 'interrupted';
  return (await storeIsEmpty(sources)) ? 'empty' : null;
}

/** Marks the demo seed as started (`running`) or complete (`done`). */
export async function markDemoSeed(sources: DataSources, state: 'running' | 'done'): Promise<void> {
  await hubMeta(sources).replaceOne({ _id: DEMO_SEED }, { state, at: new Date() }, { upsert: true });
}
