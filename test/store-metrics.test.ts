/**
 * The store figures on /metrics (server/metrics.ts), on the real store: round trips timed from the
 * driver's connection-pool events with its command monitoring off (the default), and by command
 * name only when a connection was opened with it.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { Registry } from 'prom-client';
import { connectStore } from '../datasources/store/connection';
import { countStoreCommands, timeStoreRoundTrips } from '../server/metrics';

async function figure(registry: Registry, name: string): Promise<{ count: number; sum: number }> {
  const metric = await registry.getSingleMetric(name)!.get();
  const value = (suffix: string) =>
    (metric.values as { metricName?: string; value: number }[])
      .filter((v) => v.metricName === `${name}_${suffix}`)
      .reduce((n, v) => n + v.value, 0);
  return { count: value('count'), sum: value('sum') };
}

describe('store figures on /metrics', () => {
  const connections: Connection[] = [];
  const open = async (options: { monitorCommands?: boolean; maxPoolSize?: number } = {}) => {
    const c = await connectStore({
      uri: process.env.HUB_TEST_URI!,
      dbName: `t_metrics_${randomBytes(4).toString('hex')}`,
      timeoutMs: 3000,
      ...options,
    });
    connections.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of connections) {
      await c.dropDatabase().catch(() => undefined);
      await c.close();
    }
  });

  it('times every round trip from the pool with the command monitoring off', async () => {
    const c = await open();
    let commandEvents = 0;
    c.getClient().on('commandStarted', () => {
      commandEvents += 1;
    });
    const registry = new Registry();
    timeStoreRoundTrips(registry, c);
    const records = c.db!.collection('records');
    await records.insertMany(Array.from({ length: 300 }, (_, i) => ({ i, text: 'x'.repeat(200) })));
    // three finds, the second one's 300 documents in two batches (find, then getMore), then a count
    await records.find({ i: { $lt: 10 } }).toArray();
    await records.find({}, { batchSize: 200 }).toArray();
    await records.countDocuments({});
    const trips = await figure(registry, 'hub_store_round_trip_seconds');
    expect(trips.count).toBe(5);
    expect(trips.sum).toBeGreaterThan(0);
    expect((await figure(registry, 'hub_store_pool_wait_seconds')).count).toBe(5);
    // the driver built no command events: nothing was parsed twice for them
    expect(commandEvents).toBe(0);
    expect(c.getClient().options.monitorCommands).toBe(false);
  });

  it('shows the wait for a free connection when the pool is too small', async () => {
    const c = await open({ maxPoolSize: 1 });
    const registry = new Registry();
    const records = c.db!.collection('records');
    await records.insertMany(Array.from({ length: 2000 }, (_, i) => ({ i, text: 'y'.repeat(500) })));
    timeStoreRoundTrips(registry, c);
    await Promise.all(Array.from({ length: 6 }, () => records.find({}, { batchSize: 5000 }).toArray()));
    const wait = await figure(registry, 'hub_store_pool_wait_seconds');
    expect(wait.count).toBe(6);
    // five of the six waited for the one connection while the others read 2,000 documents each
    expect(wait.sum).toBeGreaterThan(0.005);
    expect((await figure(registry, 'hub_store_round_trip_seconds')).count).toBe(6);
  });

  it('counts and times by command name on a connection opened with the command monitoring', async () => {
    const c = await open({ monitorCommands: true });
    const registry = new Registry();
    timeStoreRoundTrips(registry, c);
    countStoreCommands(registry, c);
    const records = c.db!.collection('records');
    await records.insertOne({ i: 1 });
    await records.find({}).toArray();
    await records.find({}).toArray();
    const text = await registry.metrics();
    expect(text).toMatch(/hub_store_commands_total\{command="insert"\} 1\n/);
    expect(text).toMatch(/hub_store_commands_total\{command="find"\} 2\n/);
    expect(text).toMatch(/hub_store_command_duration_seconds_count\{command="find",outcome="ok"\} 2\n/);
    expect((await figure(registry, 'hub_store_round_trip_seconds')).count).toBe(3);
  });
});
