/**
 * What authentication, authorization, the audit trail and the document limits cost on the dossier
 * query: the full hub against the same resolvers and data sources served bare (no token check, no
 * @auth/@mask transform, no audit entry, no GraphQL Armor, no rate limit), side by side on one store,
 * requests interleaved so that a noisy machine affects both alike.
 *
 *   npx tsx bench/security-overhead.ts [--persons 2000] [--requests 300]
 */
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import express from 'express';
import { freePort, startEmbeddedStore } from '../datasources/store/embedded/ferretdb';
import { connectStore } from '../datasources/store/connection';
import { createHub, firstPersonId, loadTypeDefs } from '../server/app';
import { createLogger } from '../lib/logger';
import { projectRoot } from '../server/paths';
import { DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_JWT_SECRET } from '../server/config';
import { dropPostgresDatabase, ensurePostgresDatabase } from '../datasources/store/embedded/postgres';
import { benchPostgres } from './lib/dataset';
import { signToken, type JwtSettings } from '../server/jwt';
import { resolvers } from '../resolvers';
import { seed } from '../datasources/seed';
import type { Context } from '../datasources/request/context';

const { values } = parseArgs({ options: { persons: { type: 'string', default: '2000' }, requests: { type: 'string', default: '300' } } });
const JWT: JwtSettings = {
  secret: DEVELOPMENT_JWT_SECRET,
  algorithms: ['HS256'],
  issuer: 'procuratorate-hub',
  audience: 'procuratorate-hub',
  clockToleranceS: 30,
};
const DOSSIER = `query Dossier($id: IdNumber!) { person(idNumber: $id) { idNumber name gender birthDate region { name }
  detentions { totalCount edges { node { stage facility { name } admittedAt } } }
  imprisonments { totalCount edges { node { crime status sentence { kind termMonths } } } }
  corrections { totalCount edges { node { correctionType status } } }
  enforcementCases { totalCount edges { node { category amountInvolved } } } } }`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

async function main() {
  const db = `bench_sec_${Date.now()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sec-'));
  const pg = await benchPostgres(process.env.BENCH_POSTGRES_URL);
  const store = await startEmbeddedStore({
    bin: path.join(projectRoot, '.tools/bin/ferretdb'),
    port: await freePort(),
    dataDir: dir,
    handler: 'postgresql',
    postgresUrl: await ensurePostgresDatabase(pg.adminUrl, db),
  });
  const connection = await connectStore({ uri: store.uri, dbName: 'bench', timeoutMs: 5000 });
  const hub = await createHub({
    connection,
    logger: createLogger('warn'),
    limits: { maxPageSize: 500, maxDossierIds: 500 },
    production: true,
    storeKind: 'bench',
    storeTimeoutMs: 5000,
    jwt: JWT,
    auditKey: DEVELOPMENT_AUDIT_KEY,
    rateLimit: { points: 1_000_000, windowSeconds: 60 },
  });
  const servers: import('node:http').Server[] = [];
  try {
    process.stdout.write(`seeding ${values.persons} persons…\n`);
    await seed(hub.sources, { persons: Number(values.persons), seed: 7, today: new Date() });
    await hub.sources.registry.load();
    const id = await firstPersonId(hub.sources);

    const full = hub.app.listen(0, '127.0.0.1');
    servers.push(full);
    const bare = new ApolloServer<Context>({ schema: makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never }) });
    await bare.start();
    const caller = {
      kind: 'person' as const,
      sub: 'bench',
      org: 'B',
      role: 'PROCURATOR' as const,
      regions: ['50'],
      unmasked: true,
      purpose: 'BENCH',
    };
    const bareApp = express();
    bareApp.use('/graphql', express.json(), expressMiddleware(bare, { context: async () => hub.context(undefined, caller) }));
    const bareServer = bareApp.listen(0, '127.0.0.1');
    servers.push(bareServer);
    await new Promise((r) => setTimeout(r, 200));
    const url = (s: import('node:http').Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/graphql`;
    const token = await signToken(JWT, { sub: 'bench', org: 'B', role: 'PROCURATOR', regions: ['50'] });
    const call = async (u: string, headers: Record<string, string>) => {
      const t = process.hrtime.bigint();
      const r = await fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: DOSSIER, variables: { id } }),
      });
      const body = (await r.json()) as { data?: { person?: unknown }; errors?: unknown };
      if (!body.data?.person) throw new Error(`no dossier: ${JSON.stringify(body).slice(0, 200)}`);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const fullHeaders = { authorization: `Bearer ${token}`, 'x-purpose': 'BENCH' };
    for (let i = 0; i < 30; i++) {
      await call(url(full), fullHeaders);
      await call(url(bareServer), {});
    } // warm-up
    const a: number[] = [];
    const b: number[] = [];
    const n = Number(values.requests);
    for (let i = 0; i < n; i++) {
      if (i % 2) {
        a.push(await call(url(full), fullHeaders));
        b.push(await call(url(bareServer), {}));
      } else {
        b.push(await call(url(bareServer), {}));
        a.push(await call(url(full), fullHeaders));
      }
    }
    const line = {
      requests: n,
      persons: Number(values.persons),
      fullP50ms: +pct(a, 0.5).toFixed(1),
      bareP50ms: +pct(b, 0.5).toFixed(1),
      ratioP50: +(pct(a, 0.5) / pct(b, 0.5)).toFixed(2),
      fullP95ms: +pct(a, 0.95).toFixed(1),
      bareP95ms: +pct(b, 0.95).toFixed(1),
      ratioP95: +(pct(a, 0.95) / pct(b, 0.95)).toFixed(2),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    await bare.stop();
  } finally {
    for (const s of servers) s.close();
    await hub.stop();
    await connection.close();
    await store.stop();
    await dropPostgresDatabase(pg.adminUrl, db).catch(() => undefined);
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
