/**
 * Per-actor request budgets with rate-limiter-flexible (maintained, atomic on Redis, the same API in
 * memory): in memory on one node, shared through Redis when REDIS_URL is set so that replicas count
 * together. The actor is the credential presented (hashed; its verification comes later) or, with
 * none, the client address. Over budget: 429 and a RATE_LIMITED error with the seconds to wait.
 */
import { createHash } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../lib/logger';
import { GRAPHQL_PATH } from './paths';
import { EXPORT_PATH } from './routes/export';
import { wantsIde } from './routes/ide';

export interface RateLimitSettings {
  /** requests per window and actor */
  points: number;
  windowSeconds: number;
  redisUrl?: string;
}

export interface RateLimiter {
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  close(): Promise<void>;
}

export async function createRateLimiter(settings: RateLimitSettings, logger: Logger): Promise<RateLimiter> {
  let redis: Redis | undefined;
  let limiter: RateLimiterAbstract;
  if (settings.redisUrl) {
    redis = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'rate limit store (Redis) error'));
    // Start counting in Redis from the first request (a few seconds at most; the memory fallback covers an outage).
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 3000);
      redis!.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
    // While Redis is down, fall back to counting in memory rather than refusing or letting all through.
    limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'hub-rl',
      points: settings.points,
      duration: settings.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: settings.points, duration: settings.windowSeconds }),
    });
  } else {
    limiter = new RateLimiterMemory({ points: settings.points, duration: settings.windowSeconds });
  }
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const auth = req.headers.authorization;
    const key = auth ? `c:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}` : `ip:${req.ip ?? req.socket.remoteAddress}`;
    limiter.consume(key).then(
      () => next(),
      (r: unknown) => {
        if (!(r instanceof RateLimiterRes)) {
          logger.error({ err: r }, 'rate limiter failed; letting the request through');
          next();
          return;
        }
        const retryAfterSeconds = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
        res
          .status(429)
          .set('Retry-After', String(retryAfterSeconds))
          .json({
            errors: [
              {
                message: `too many requests: at most ${settings.points} per ${settings.windowSeconds} s; try again in ${retryAfterSeconds} s`,
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
              },
            ],
          });
      },
    );
  };
  return {
    middleware,
    close: async () => {
      redis?.disconnect();
    },
  };
}

/** The budget covers GraphQL (not the IDE's pages), pushes, exports and attachments; health, readiness and metrics are outside it. */
export function mountRateLimit(app: Express, limiter: RateLimiter): void {
  app.use(GRAPHQL_PATH, (req, res, next) => (wantsIde(req) ? next() : limiter.middleware(req, res, next)));
  app.use('/ingest', limiter.middleware);
  app.use(EXPORT_PATH, limiter.middleware);
  app.use('/attachments', limiter.middleware);
}
