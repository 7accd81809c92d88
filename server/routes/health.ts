/**
 * `GET /healthz` (the process answers) and `GET /readyz` (the store answers too; 503 when it does
 * not). Readiness also tells whether the start-up work is still running: answers are right
 * meanwhile, but slower, and the store is busy with it.
 */
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import { pingStore } from '../../datasources/store/connection';

export interface HealthParts {
  connection: Connection;
  /** what readiness names as the store (`embedded-ferretdb`, `external`) */
  storeKind: string;
  storeTimeoutMs: number;
  startupWork(): 'running' | 'done';
}

export function mountHealth(app: Express, { connection, storeKind, storeTimeoutMs, startupWork }: HealthParts): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await pingStore(connection, storeTimeoutMs);
      res.json({ status: 'ready', store: storeKind, startupWork: startupWork() });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', reason: `store: ${(err as Error).message}` });
    }
  });
}
