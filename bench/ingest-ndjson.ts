/**
 * Ingest throughput: N NDJSON lines pushed over HTTP to a hub on the embedded store, side by side
 * with the floor — the driver's own ordered insertMany of the same documents in batches of 1,000.
 *
 *   npx tsx bench/ingest-ndjson.ts [--lines 100000] [--backend postgresql|sqlite] [--gin all|without-name|none]
 *
 * Starts its own FerretDB (fresh PostgreSQL database or SQLite folder) and hub on free ports; the
 * PostgreSQL is a throwaway embedded one unless BENCH_POSTGRES_URL names a server. On PostgreSQL the
 * hub's collection and the floor's get the GIN equality indexes a hub adds at start
 * (store/ferretdb/indexes.ts): `--gin all` (default, as `npm start` runs), `without-name` (the name
 * search's index left out: what that index costs each write), or `none`. Persons' names vary (200
 * names), as an index on them would see in real data.
 */
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { makeIdNumber } from '../domain/id-number';
import { freePort, startEmbeddedStore } from '../datasources/store/embedded/ferretdb';
import { connectStore } from '../datasources/store/connection';
import { createHub } from '../server/app';
import { createLogger } from '../lib/logger';
import { projectRoot } from '../server/paths';
import { DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_JWT_SECRET } from '../server/config';
import { dropPostgresDatabase, ensurePostgresDatabase } from '../datasources/store/embedded/postgres';
import { benchPostgres } from './lib/dataset';
import { ensureEqualityIndexes, EQUALITY_FIELDS } from '../datasources/store/ferretdb/indexes';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    backend: { type: 'string', default: 'postgresql' },
    gin: { type: 'string', default: 'all' },
  },
});
if (!['all', 'without-name', 'none'].includes(values.gin)) throw new Error(`--gin: all, without-name or none, got ${values.gin}`);

/** 200 names: 20 surnames × 10 given names. */
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇'];
const nameOf = (i: number) => SURNAMES[i % SURNAMES.length] + GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length];

/** The GIN equality indexes of the hub's detention collection, as `--gin` asks. */
function ginFields(collection: string): Record<string, readonly string[]> {
  if (values.gin === 'none') return {};
  const fields = EQUALITY_FIELDS.detention_records ?? [];
  return { [collection]: values.gin === 'without-name' ? fields.filter((f) => f !== 'name') : fields };
}
const N = Number(values.lines);

function record(i: number): Record<string, unknown> {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const at = `2024-03-${day}T09:00:00+08:00`;
  return {
    externalId: `B-${i}`,
    idNumber: makeIdNumber('500101', `19${60 + (i % 40)}-0${1 + (i % 9)}-${day}`, i % 1000),
    name: nameOf(i),
    region: '500101',
    eventAt: at,
    updatedAt: at,
    facility: { code: 'KSS-500101', name: '重庆市万州区看守所' },
    caseNumber: `万公刑字〔2024〕${i}号`,
    handlingAuthority: '重庆市公安局万州区分局',
    stage: 'INVESTIGATION',
    admittedAt: at,
    stageStartedAt: at,
  };
}

async function main() {
  const db = `bench_ingest_${Date.now()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  const pg = values.backend === 'sqlite' ? undefined : await benchPostgres(process.env.BENCH_POSTGRES_URL);
  const backend = pg
    ? { handler: 'postgresql' as const, postgresUrl: await ensurePostgresDatabase(pg.adminUrl, db) }
    : { handler: 'sqlite' as const };
  const store = await startEmbeddedStore({
    bin: path.join(projectRoot, '.tools/bin/ferretdb'),
    port: await freePort(),
    dataDir: dir,
    ...backend,
  });
  const connection = await connectStore({ uri: store.uri, dbName: 'bench', timeoutMs: 5000 });
  const hub = await createHub({
    auditKey: DEVELOPMENT_AUDIT_KEY,
    jwt: {
      secret: DEVELOPMENT_JWT_SECRET,
      algorithms: ['HS256'],
      issuer: 'procuratorate-hub',
      audience: 'procuratorate-hub',
      clockToleranceS: 30,
    },
    connection,
    logger: createLogger('warn'),
    limits: { maxPageSize: 500, maxDossierIds: 500 },
    production: true,
    storeKind: 'bench',
    storeTimeoutMs: 5000,
  });
  const server = hub.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { source, apiKey } = await hub.sources.registry.register({
      name: '基准看守所',
      department: { code: 'BENCH', name: '基准' },
      domain: 'DETENTION',
      kind: 'HOSTED',
      regions: ['500101'],
    });
    const logger = createLogger('warn');
    const gin = async (collection: string) => {
      if (backend.handler === 'postgresql') await ensureEqualityIndexes(backend.postgresUrl, 'bench', logger, ginFields(collection));
    };
    await gin(hub.sources.models.records.DETENTION.collection.collectionName);
    const body = Array.from({ length: N }, (_, i) => JSON.stringify(record(i))).join('\n');
    const rssBefore = process.memoryUsage().rss;
    let t = process.hrtime.bigint();
    const res = await fetch(`${url}/ingest/${source._id.toHexString()}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${apiKey}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    const result = (await res.json()) as { accepted: number; rejectedCount: number };
    const hubMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (result.accepted !== N) throw new Error(`accepted ${result.accepted} of ${N}: ${JSON.stringify(result).slice(0, 300)}`);

    // The floor: the same documents through the driver alone, into a fresh collection with the same indexes.
    const floor = connection.db!.collection('floor_detention');
    for (const spec of await hub.sources.models.records.DETENTION.collection.indexes()) {
      if (spec.name !== '_id_') await floor.createIndex(spec.key, { unique: spec.unique ?? false });
    }
    await gin('floor_detention');
    const docs = Array.from({ length: N }, (_, i) => ({
      ...record(i),
      sourceId: source._id,
      regionPath: ['50', '5001', '500101'],
      recordedAt: new Date(),
    }));
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i += 1000) await floor.insertMany(docs.slice(i, i + 1000), { ordered: true });
    const floorMs = Number(process.hrtime.bigint() - t) / 1e6;

    const line = {
      lines: N,
      backend: values.backend,
      gin: backend.handler === 'postgresql' ? values.gin : 'n/a',
      hubRecordsPerSecond: Math.round(N / (hubMs / 1000)),
      hubSeconds: +(hubMs / 1000).toFixed(1),
      driverRecordsPerSecond: Math.round(N / (floorMs / 1000)),
      driverSeconds: +(floorMs / 1000).toFixed(1),
      ratioHubToDriver: +(hubMs / floorMs).toFixed(2),
      benchRssMbBefore: Math.round(rssBefore / 2 ** 20),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    server.close();
    await hub.stop();
    await connection.close();
    await store.stop();
    if (pg) await dropPostgresDatabase(pg.adminUrl, db).catch(() => undefined);
    await pg?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
