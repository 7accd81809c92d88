/**
 * Test helpers: a real hub over the real store (FerretDB), served over real HTTP on 127.0.0.1:0.
 * Each test file gets its own database so files run in parallel without seeing each other's data.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { createHub, type Hub } from '../server/app';
import { createLogger } from '../server/logger';
import { connectStore } from '../server/store';

export interface TestHub {
  hub: Hub;
  connection: Connection;
  url: string;
  server: Server;
  /** store commands sent since the last `resetCommands()` (driver command monitoring) */
  commands: CommandStartedEvent[];
  resetCommands(): void;
  /** POSTs a GraphQL operation over HTTP */
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Commands that are about the data, not the driver's own housekeeping. */
const HOUSEKEEPING = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'buildInfo', 'endSessions', 'saslStart', 'saslContinue']);

export async function startTestHub(options: { uri?: string; dbName?: string; production?: boolean; registryRefreshMs?: number; ingestLimitBytes?: number; limits?: Partial<{ maxPageSize: number; maxDossierIds: number }> } = {}): Promise<TestHub> {
  const uri = options.uri ?? process.env.HUB_TEST_URI;
  if (!uri) throw new Error('HUB_TEST_URI is not set: run the tests with jest (test/global-setup.ts starts the store)');
  const dbName = options.dbName ?? `t_${randomBytes(5).toString('hex')}`;
  const connection = await connectStore({ uri, dbName, timeoutMs: 2000, monitorCommands: true });
  const commands: CommandStartedEvent[] = [];
  connection.getClient().on('commandStarted', (e) => { if (!HOUSEKEEPING.has(e.commandName)) commands.push(e); });
  const hub = await createHub({
    connection,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    limits: { maxPageSize: 500, maxDossierIds: 500, ...options.limits },
    production: options.production ?? false,
    storeKind: 'test',
    storeTimeoutMs: 2000,
    registryRefreshMs: options.registryRefreshMs ?? 500,
    ingestLimitBytes: options.ingestLimitBytes,
  });
  const server = hub.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hub, connection, url, server, commands,
    resetCommands: () => { commands.length = 0; },
    gql: async (query, variables, headers = {}) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: await res.json() as any };
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await hub.stop();
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}
