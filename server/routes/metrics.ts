/**
 * `GET /metrics` (server/metrics.ts makes the figures). They tell operation names and volumes: ADMIN
 * tokens only (Prometheus sends one as bearer_token); 401 without a valid credential, 403 for others.
 */
import type { Express } from 'express';
import type { DataSources } from '../../datasources';
import { callerOf } from '../auth';
import type { PersonClaims } from '../jwt';
import type { HubMetrics } from '../metrics';

export function mountMetrics(
  app: Express,
  { metrics, sources, verify }: { metrics: HubMetrics; sources: DataSources; verify: (token: string) => Promise<PersonClaims> },
): void {
  app.get('/metrics', async (req, res) => {
    try {
      const caller = await callerOf(req.headers.authorization, sources, verify);
      if (caller.kind !== 'person' || caller.role !== 'ADMIN') {
        res.status(caller.kind === 'anonymous' ? 401 : 403).json({
          errors: [
            {
              message: '/metrics needs an ADMIN token',
              extensions: { code: caller.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' },
            },
          ],
        });
        return;
      }
    } catch (e) {
      res.status(401).json({ errors: [{ message: (e as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
