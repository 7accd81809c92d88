/**
 * Prometheus metrics (`GET /metrics`): process figures plus GraphQL operations by name and outcome
 * and their duration. prom-client is the de-facto Node client; a registry per hub keeps tests apart.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Connection } from 'mongoose';
import type { IncrementalEvaluation } from '../datasources/services/evaluation';

export interface HubMetrics {
  registry: Registry;
  plugin: ApolloServerPlugin<any>;
}

export function createMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const operations = new Counter({
    name: 'hub_graphql_operations_total',
    help: 'GraphQL operations by operation name and outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hub_graphql_operation_seconds',
    help: 'GraphQL operation duration',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const plugin: ApolloServerPlugin<any> = {
    async requestDidStart() {
      const end = duration.startTimer();
      return {
        async willSendResponse(ctx) {
          // Unnamed operations are grouped so clients cannot blow up label cardinality.
          const name = ctx.operationName ?? ctx.request.operationName ?? parseName(ctx.request.query);
          const operation = name && /^\w{1,64}$/.test(name) ? name : 'anonymous';
          // The formatted errors, as the client sees them (after formatError).
          const body = ctx.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const outcome = errors?.length ? String(errors[0].extensions?.code ?? 'ERROR') : 'OK';
          operations.inc({ operation, outcome });
          end({ operation });
        },
      };
    },
  };
  return { registry, plugin };
}

/** The operation name of a document that failed before the server resolved it (for labels only). */
function parseName(query: string | undefined): string | undefined {
  return query ? /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] : undefined;
}

const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/**
 * Store round trips, always on and nearly free: `hub_store_round_trip_seconds` times each use of a
 * pooled connection, from the pool's check-out to its check-in (one command and its reply: a find, a
 * getMore, an insert, …), and `hub_store_pool_wait_seconds` how long an operation waited for a free
 * connection (STORE_POOL_SIZE too small shows here). Both come from the driver's connection-pool
 * events, which the pool emits whether anyone listens or not, so nothing extra is parsed or copied.
 */
export function timeStoreRoundTrips(registry: Registry, connection: Connection): void {
  const seconds = new Histogram({
    name: 'hub_store_round_trip_seconds',
    help: 'Store round trips as the hub sees them: from checking a pooled connection out to checking it back in',
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const wait = new Histogram({
    name: 'hub_store_pool_wait_seconds',
    help: 'How long a store operation waited for a free pooled connection',
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const out = new Map<string, number>();
  const client = connection.getClient();
  client.on('connectionCheckedOut', (event) => {
    out.set(`${event.address}#${event.connectionId}`, performance.now());
    wait.observe(event.durationMS / 1000);
  });
  client.on('connectionCheckedIn', (event) => {
    const key = `${event.address}#${event.connectionId}`;
    const since = out.get(key);
    if (since === undefined) return;
    out.delete(key);
    seconds.observe((performance.now() - since) / 1000);
  });
}

/**
 * By command name, when the connection was opened with the driver's command monitoring
 * (STORE_COMMAND_METRICS=true): `hub_store_commands_total{command}` counts every command (find,
 * insert, aggregate, …) and `hub_store_command_duration_seconds{command,outcome}` times it. Off by
 * default: for its events the driver turns every reply into objects a second time, which cost the
 * hub about a quarter of its own CPU per list page (docs/benchmark.md).
 */
export function countStoreCommands(registry: Registry, connection: Connection): void {
  const commands = new Counter({
    name: 'hub_store_commands_total',
    help: 'Commands sent to the store, by command name',
    labelNames: ['command'] as const,
    registers: [registry],
  });
  connection.getClient().on('commandStarted', (event) => commands.inc({ command: event.commandName }));
  // How long the store takes per command, as the hub waits for it (network and queueing included):
  // what shows, for example, that a dossier's audit insert costs as much as its four reads together.
  const seconds = new Histogram({
    name: 'hub_store_command_duration_seconds',
    help: 'Store command round trips as the hub sees them, by command name and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  connection
    .getClient()
    .on('commandSucceeded', (event) => seconds.observe({ command: event.commandName, outcome: 'ok' }, event.duration / 1000));
  connection
    .getClient()
    .on('commandFailed', (event) => seconds.observe({ command: event.commandName, outcome: 'failed' }, event.duration / 1000));
}

/**
 * The incremental evaluation (datasources/services/evaluation/incremental.ts):
 * `hub_evaluation_marks_pending` the persons' marks waiting (read from the store when scraped),
 * `hub_evaluation_incremental_batch_seconds` each batch's duration, and
 * `hub_evaluation_incremental_persons_total` the persons the batches evaluated.
 */
export function evaluationMetrics(
  registry: Registry,
  marks: { pending(): Promise<number> },
  incremental: Pick<IncrementalEvaluation, 'onBatch' | 'onWakeUp'> | null,
): void {
  new Gauge({
    name: 'hub_evaluation_marks_pending',
    help: 'Marks of persons waiting for the incremental evaluation (one per person and push)',
    registers: [registry],
    async collect() {
      this.set(await marks.pending().catch(() => -1));
    },
  });
  const seconds = new Histogram({
    name: 'hub_evaluation_incremental_batch_seconds',
    help: 'Duration of each incremental evaluation batch (read, evaluate, reconcile, remove its marks)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const persons = new Counter({
    name: 'hub_evaluation_incremental_persons_total',
    help: 'Persons evaluated by incremental batches',
    registers: [registry],
  });
  const wakeUpSeconds = new Gauge({
    name: 'hub_evaluation_wakeup_last_seconds',
    help: "Duration of this process's last finished wake-up (the persons whose findings change that day)",
    registers: [registry],
  });
  const wakeUpPersons = new Counter({
    name: 'hub_evaluation_wakeup_persons_total',
    help: 'Persons evaluated by wake-ups',
    registers: [registry],
  });
  if (incremental) {
    incremental.onBatch = (report) => {
      seconds.observe(report.durationMs / 1000);
      persons.inc(report.persons);
    };
    incremental.onWakeUp = (report) => {
      wakeUpSeconds.set(report.durationMs / 1000);
      wakeUpPersons.inc(report.persons);
    };
  }
}

/** `hub_subscriptions` the GraphQL subscriptions this process serves (lead and document events), read when scraped. */
export function subscriptionMetrics(registry: Registry, feed: { readonly size: number }): void {
  new Gauge({
    name: 'hub_subscriptions',
    help: 'GraphQL subscriptions (leadChanged, documentChanged) this hub process is serving',
    registers: [registry],
    collect() {
      this.set(feed.size);
    },
  });
}
