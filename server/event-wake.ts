/**
 * Where REDIS_URL is set, replicas wake each other's subscription polls through Redis pub/sub: a
 * process that stored change events publishes on one channel, and every replica polls the store at
 * once instead of at its next interval. The store stays the record (a lost message costs one poll
 * interval, never an event); Redis being down costs the same.
 */
import Redis from 'ioredis';
import type { EventFeed } from '../datasources/services/event-feed';
import type { HubEvents } from '../datasources/services/events';
import type { Logger } from '../lib/logger';

export const WAKE_CHANNEL = 'hub-events';

export function redisWake(url: string, events: HubEvents, feed: EventFeed, logger: Logger): { close(): Promise<void> } {
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  for (const r of [publisher, subscriber])
    r.on('error', (err: Error) => logger.warn({ err: { message: err.message } }, 'subscription wake-ups (Redis) error'));
  subscriber.on('ready', () => {
    subscriber
      .subscribe(WAKE_CHANNEL)
      .catch((err: Error) => logger.warn({ err: { message: err.message } }, 'subscribing to wake-ups failed'));
  });
  subscriber.on('message', () => feed.wake());
  const local = events.onWritten;
  events.onWritten = () => {
    local?.();
    publisher.publish(WAKE_CHANNEL, '1').catch(() => undefined);
  };
  return {
    close: async () => {
      events.onWritten = local;
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
