/**
 * The run log: every evaluation recorded in `evaluation_runs` with its progress, its report or its
 * error, and the peak memory of the process that ran it.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface EvaluationReport {
  runId: string;
  persons: number;
  records: number;
  findings: number;
  newLeads: number;
  stillOpen: number;
  /** leads found again whose severity or stored explanation changed: rewritten */
  changed: number;
  reopened: number;
  resolvedByData: number;
  /** live sources that could not be read: their persons' leads were left as they were */
  unavailableSources: string[];
  durationMs: number;
}

export interface EvaluationProgress {
  persons: number;
  records: number;
  totalRecords: number;
  chunk: number;
  chunks: number;
  /** most hosted records held in memory at once so far (the bound, or one person's records above it) */
  largestChunk?: number;
}

/**
 * What started a run: `manual` (evaluateRules), `schedule` (the nightly full run), `parameters` (the
 * full run after a rule's parameters or the working calendar changed), `incremental` (a batch of
 * persons pushes marked), `wake-up` (the persons whose findings change today).
 */
export type EvaluationTrigger = 'manual' | 'schedule' | 'parameters' | 'incremental' | 'wake-up';

/** The runs that read every record (the others evaluate a few persons). */
const FULL_TRIGGERS: readonly EvaluationTrigger[] = ['manual', 'schedule', 'parameters'];

export interface EvaluationRunDoc {
  _id: string;
  trigger: EvaluationTrigger;
  actor: string;
  rules: string[] | null;
  status: 'RUNNING' | 'DONE' | 'FAILED';
  startedAt: Date;
  finishedAt?: Date | null;
  progress: EvaluationProgress;
  report?: EvaluationReport | null;
  error?: string | null;
  /** peak resident memory of the evaluating process during the run, bytes */
  peakRss?: number;
  /** a wake-up: the Beijing day through which it evaluated the persons due */
  through?: number;
}

/** What a run whose process stopped (killed, crashed) before it finished is marked with, by the next run. */
export const ABANDONED = 'abandoned: the hub process running it stopped before it finished';

const runSchema = new Schema<EvaluationRunDoc>(
  {
    _id: String,
    trigger: String,
    through: Number,
    actor: String,
    rules: [String],
    status: String,
    startedAt: Date,
    finishedAt: Date,
    progress: Schema.Types.Mixed,
    report: Schema.Types.Mixed,
    error: String,
    peakRss: Number,
  },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'evaluation_runs' },
);
runSchema.index({ startedAt: -1 });

/** How long incremental batches stay in the run log. */
export const INCREMENTAL_KEPT_MS = 86_400_000;

/** How long wake-up runs stay in the run log (one a day per replica). */
export const WAKE_UP_KEPT_MS = 31 * 86_400_000;

const newestFirst = (a: { startedAt: Date }, b: { startedAt: Date }) => b.startedAt.getTime() - a.startedAt.getTime();

export class RunLog {
  readonly Run: Model<EvaluationRunDoc>;

  constructor(connection: Connection) {
    this.Run =
      (connection.models.EvaluationRun as Model<EvaluationRunDoc> | undefined) ??
      connection.model<EvaluationRunDoc>('EvaluationRun', runSchema);
  }

  async ensureIndexes(): Promise<void> {
    await this.Run.createCollection().catch(() => undefined);
    await this.Run.createIndexes();
  }

  /** The latest runs, newest first. */
  async latest(first: number): Promise<EvaluationRunDoc[]> {
    // Sorted and cut by the store: with a day of incremental batches the log holds thousands of runs
    // (MongoDB serves it from the startedAt index; FerretDB sorts what it read without sending it all).
    return this.Run.collection.find({}, { sort: { startedAt: -1 }, limit: first }).toArray() as unknown as Promise<EvaluationRunDoc[]>;
  }

  running(): Promise<EvaluationRunDoc | null> {
    return this.Run.findOne({ status: 'RUNNING' }).lean();
  }

  /** Records in the last finished full run, if one finished (an incremental batch reads a few persons only). */
  async lastRecords(): Promise<number | undefined> {
    // the driver's own find: the connection sanitizes mongoose filters, which would refuse the `$in`
    const done = await this.Run.collection
      .find({ status: 'DONE', trigger: { $in: FULL_TRIGGERS } } as never, { projection: { report: 1, startedAt: 1 } })
      .toArray();
    const last = (done as unknown as Pick<EvaluationRunDoc, 'report' | 'startedAt'>[]).sort(newestFirst)[0];
    return last?.report?.records;
  }

  /** The day through which the latest finished wake-up evaluated the persons due, up to `today` (none: null). */
  async lastWakeUp(today: number): Promise<number | null> {
    const runs = (await this.Run.collection
      .find({ trigger: 'wake-up', status: 'DONE' } as never, { projection: { through: 1, startedAt: 1 } })
      .toArray()) as unknown as Pick<EvaluationRunDoc, 'through' | 'startedAt'>[];
    // a run through a later day (a clock that was ahead and was set back) does not hide the days before it
    return runs.reduce<number | null>(
      (max, r) => (r.through != null && r.through <= today && (max == null || r.through > max) ? r.through : max),
      null,
    );
  }

  private prunedAt = 0;

  /**
   * Records a finished incremental batch or wake-up (never RUNNING: a batch is short, and one that
   * stops leaves nothing to mark as abandoned). Batches older than INCREMENTAL_KEPT_MS and wake-ups
   * older than WAKE_UP_KEPT_MS are deleted, at most once a minute: with pushes all day a batch every
   * few seconds would otherwise grow the log without end.
   */
  async record(run: EvaluationRunDoc): Promise<void> {
    await this.Run.collection.insertOne(run as never);
    if (Date.now() - this.prunedAt < 60_000) return;
    this.prunedAt = Date.now();
    await this.Run.collection.deleteMany({
      trigger: 'incremental',
      startedAt: { $lt: new Date(Date.now() - INCREMENTAL_KEPT_MS) },
    } as never);
    await this.Run.collection.deleteMany({ trigger: 'wake-up', startedAt: { $lt: new Date(Date.now() - WAKE_UP_KEPT_MS) } } as never);
  }

  /**
   * Records a run as started. Called holding the lease, when no other run is alive: one still
   * RUNNING lost its process before it finished and is marked so.
   */
  async start(run: Pick<EvaluationRunDoc, '_id' | 'trigger' | 'actor' | 'rules' | 'startedAt' | 'progress'>): Promise<void> {
    await this.Run.collection.updateMany({ status: 'RUNNING' } as never, {
      $set: { status: 'FAILED', finishedAt: run.startedAt, error: ABANDONED },
    });
    await this.Run.collection.insertOne({ ...run, status: 'RUNNING' } as never);
  }

  async progress(runId: string, progress: EvaluationProgress): Promise<void> {
    await this.Run.collection.updateOne({ _id: runId } as never, { $set: { progress } });
  }

  async done(runId: string, report: EvaluationReport, progress: EvaluationProgress, peakRss: number): Promise<void> {
    await this.Run.collection.updateOne({ _id: runId } as never, {
      $set: { status: 'DONE', finishedAt: new Date(), report, progress, peakRss },
    });
  }

  async failed(runId: string, error: string, progress: EvaluationProgress, peakRss: number): Promise<void> {
    await this.Run.collection.updateOne({ _id: runId } as never, {
      $set: { status: 'FAILED', finishedAt: new Date(), error, progress, peakRss },
    });
  }
}
