/**
 * The full run and the daily wake-up run on a data set (issue 26, item 5), in this process on the
 * benchmark's store, with the hub's own data sources: time, the run's peak memory, what it reported,
 * and how many lead writes it sent to the store (counted from the driver's command events, so "a day
 * with nothing due rewrites no lead" is read off the store traffic, not off the run's own report).
 */
import type { CommandStartedEvent } from 'mongodb';
import { connectStore } from '../../datasources/store/connection';
import { createModels } from '../../datasources/store/models';
import { chooseStoreProfile } from '../../datasources/store/profile';
import { createDataSources } from '../../datasources';
import type { EvaluationReport } from '../../datasources/services/evaluation/runs';
import { beijingDay } from '../../domain/calendar';
import { ensureEqualityIndexes } from '../../datasources/store/ferretdb/indexes';
import { createLogger } from '../../lib/logger';

const LEADS = 'supervision_leads';
const DAY_MS = 86_400_000;

export interface LeadWrites {
  /** leads inserted */
  inserted: number;
  /** update statements on stored leads (a claimed write on FerretDB sends its claim to write_claims first) */
  updated: number;
}

export interface RunFigures {
  what: string;
  seconds: number;
  peakRssMb: number | null;
  report: EvaluationReport;
  writes: LeadWrites;
}

/** Adds a command's lead writes to `w` (counted as they are sent: the commands themselves are not kept). */
function countLeadWrites(w: LeadWrites, e: CommandStartedEvent): void {
  const c = e.command as Record<string, any>;
  if (e.commandName === 'insert' && c.insert === LEADS) w.inserted += (c.documents as unknown[]).length;
  else if (e.commandName === 'update' && c.update === LEADS) w.updated += (c.updates as unknown[]).length;
  else if (e.commandName === 'findAndModify' && c.findAndModify === LEADS) w.updated += 1;
}

export interface EvaluationBench {
  /** a full run over every rule on `day` (the hub's clock at that instant) */
  full(what: string, day: Date): Promise<RunFigures>;
  /** the daily wake-up as the hub runs it on its first turn of `day`: the persons due, in batches */
  wakeUp(what: string, day: Date): Promise<RunFigures & { due: number }>;
  /** wake-up entries waiting, by how many days after `day` they fall due (0: that day) */
  dueAhead(day: Date, days: number): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * Opens the data set `db` for evaluation runs, with the store as a hub keeps it: FerretDB's tables get
 * the GIN equality indexes the hub adds at its start (`postgresUrl`: the PostgreSQL database behind
 * the FerretDB). Without them every lookup by ID number scans its collection, and a freshly generated
 * data set has none until a hub has started on it (the 100k wake-up of 226 persons: 55.8 s without).
 * Every lead and evaluation mark is removed first.
 */
export async function openEvaluationBench(
  uri: string,
  db: string,
  log: (l: string) => void,
  postgresUrl: string,
): Promise<EvaluationBench> {
  const connection = await connectStore({ uri, dbName: db, timeoutMs: 10_000, monitorCommands: true });
  let writes: LeadWrites = { inserted: 0, updated: 0 };
  connection.getClient().on('commandStarted', (e) => countLeadWrites(writes, e));
  const models = createModels(connection);
  const store = await chooseStoreProfile(connection);
  const sources = createDataSources(models, { store });
  await sources.leads.ensureIndexes();
  await sources.evaluator.ensureIndexes();
  if (store.name === 'ferretdb') {
    const made = await ensureEqualityIndexes(postgresUrl, db, createLogger('warn'));
    if (made.created.length) log(`  ${db}: the hub's equality indexes created (${made.created.length}), as its first start would`);
  }
  await sources.registry.load();
  // and the runs: an earlier run's wake-ups, recorded through the days it moved its clock to, would
  // otherwise tell this run's wake-ups that those days were done
  for (const c of [LEADS, 'evaluation_marks', 'evaluation_intents', 'evaluation_wakeups', 'evaluation_runs'])
    await connection.db!.collection(c).deleteMany({});
  log(`  ${db}: leads and evaluation marks removed; runs start from none`);
  return {
    async full(what, day) {
      writes = { inserted: 0, updated: 0 };
      const started = Date.now();
      let said = 0;
      const report = await sources.evaluator.evaluate({
        actor: 'bench',
        trigger: 'manual',
        today: day,
        onProgress: (p) => {
          if (Date.now() - said < 30_000) return;
          said = Date.now();
          log(
            `    ${what}: chunk ${p.chunk}/${p.chunks}, ${p.records.toLocaleString('en')} of ${p.totalRecords.toLocaleString('en')} records`,
          );
        },
      });
      const seconds = (Date.now() - started) / 1000;
      const doc = (await sources.evaluator.Run.findById(report.runId).lean()) as { peakRss?: number } | null;
      return {
        what,
        seconds: Math.round(seconds * 10) / 10,
        peakRssMb: doc?.peakRss ? Math.round(doc.peakRss / 1048576) : null,
        report,
        writes,
      };
    },
    async wakeUp(what, day) {
      const incremental = sources.evaluator.incremental({ records: sources.records, clock: () => day.getTime() });
      writes = { inserted: 0, updated: 0 };
      const started = Date.now();
      const report = await incremental.wakeUp();
      if (!report) throw new Error(`${what}: the wake-up did not run (the evaluation lease was held)`);
      return {
        what,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        peakRssMb: null,
        report,
        writes,
        due: report.persons,
      };
    },
    async dueAhead(day, days) {
      const first = beijingDay(day);
      const out: number[] = [];
      for (let d = 0; d < days; d++) out.push(await connection.db!.collection('evaluation_wakeups').countDocuments({ day: first + d }));
      return out;
    },
    close: () => connection.close(),
  };
}

export const nextDay = (d: Date, n = 1) => new Date(d.getTime() + n * DAY_MS);
