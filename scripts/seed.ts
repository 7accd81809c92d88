/**
 * `npm run seed -- --persons N --seed S [--today YYYY-MM-DD]`
 *
 * Generates the synthetic demo data set (docs/domain.md) and pushes it through the ingest path, then
 * plays a year of supervision documents and consultations on it through the services. Uses
 * MONGODB_URI when set; otherwise the embedded store: the running hub's when one is up, or one started
 * for the duration of the seed. Deterministic for a given seed and day (rules such as "still in
 * custody past its limit" are relative to that day). Re-running with the same arguments changes nothing.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { createLogger } from '../lib/logger';
import { isPortOpen, startEmbeddedStore, type EmbeddedStore } from '../datasources/store/embedded/ferretdb';
import { connectStore } from '../datasources/store/connection';
import { createDataSources } from '../datasources';
import { createModels } from '../datasources/store/models';
import { chooseStoreProfile } from '../datasources/store/profile';
import { seedDemoData } from '../server/seed-runner';
import { chooseEmbeddedBackend } from '../datasources/store/embedded/backend';
import type { EmbeddedPostgres } from '../datasources/store/embedded/postgres-server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      persons: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      today: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run seed -- [--persons 10000] [--seed 1] [--today YYYY-MM-DD]\n');
    return;
  }
  const persons = Number(values.persons);
  const seedValue = Number(values.seed);
  if (!Number.isInteger(persons) || persons < 1) throw new Error(`--persons must be a whole number ≥ 1, got ${values.persons}`);
  if (!Number.isInteger(seedValue) || seedValue < 0) throw new Error(`--seed must be a whole number ≥ 0, got ${values.seed}`);
  const today = values.today ? new Date(`${values.today}T00:00:00+08:00`) : undefined;
  if (today && Number.isNaN(today.getTime())) throw new Error(`--today must be YYYY-MM-DD, got ${values.today}`);

  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  let uri = config.MONGODB_URI;
  let embedded: EmbeddedStore | undefined;
  let embeddedPostgres: EmbeddedPostgres | undefined;
  if (!uri) {
    if (await isPortOpen(config.FERRETDB_PORT)) {
      uri = `mongodb://127.0.0.1:${config.FERRETDB_PORT}/`;
      process.stdout.write(`using the running hub's embedded store on port ${config.FERRETDB_PORT}\n`);
    } else {
      const backend = await chooseEmbeddedBackend(config, logger);
      embeddedPostgres = backend.postgres;
      try {
        embedded = await startEmbeddedStore({
          bin: config.ferretdbBin,
          port: config.FERRETDB_PORT,
          dataDir: config.dataDir,
          logger,
          handler: backend.handler,
          postgresUrl: backend.postgresUrl,
        });
      } catch (err) {
        await embeddedPostgres?.stop();
        throw err;
      }
      uri = embedded.uri;
    }
  }
  const connection = await connectStore({ uri, dbName: config.MONGODB_DB, timeoutMs: config.STORE_TIMEOUT_MS });
  try {
    const models = createModels(connection);
    const store = await chooseStoreProfile(connection, {
      profile: config.STORE_PROFILE,
      batchLookup: config.STORE_BATCH_LOOKUP,
      listReads: config.STORE_LIST_READS,
      statisticsAhead: config.STATISTICS_AHEAD,
    });
    await store.ensureIndexes(models);
    const sources = createDataSources(models, { store });
    await sources.registry.load();
    await seedDemoData(sources, { persons, seed: seedValue, progress: true, today });
  } finally {
    await connection.close();
    await embedded?.stop();
    await embeddedPostgres?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
