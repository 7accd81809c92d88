/**
 * Subscribers as front ends are (graphql-ws over `ws`, one WebSocket per browser), for the evaluation
 * benchmark: the event a push's lead raises (push-to-lead.ts), and one change fanned out to 1,000
 * subscribers on one hub (`fanOut`), timed from the moment the change was stored to each arrival.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken, type JwtSettings } from '../../server/jwt';
import { readHubMetrics } from './hub';
import { percentile } from './load';
import type { Server } from './processes';

export const PURPOSE = 'BENCH-2026-001';

/** What a subscription's failure says: GraphQL errors, an Error, or the WebSocket's close code and reason. */
export function describeFailure(e: unknown): string {
  if (e instanceof Error) return e.message;
  const close = e as { code?: number; reason?: string };
  if (typeof close?.code === 'number') return `closed ${close.code}${close.reason ? `: ${close.reason}` : ''}`;
  // a WebSocket error event (its fields are getters, which JSON leaves out)
  const event = e as { message?: string; error?: unknown };
  if (event?.message) return event.message;
  if (event?.error) return describeFailure(event.error);
  return JSON.stringify(e).slice(0, 300);
}

export const LEAD_EVENTS = `subscription BenchLeads($filter: LeadFilter) {
  leadChanged(filter: $filter) { cursor kind status lead { id person { idNumber } } } }`;

export interface LeadEvent {
  cursor: string;
  kind: string;
  status: string;
  lead: { id: string; person: { idNumber: string } };
}

/** One WebSocket with one lead subscription; `onEvent` gets each event with the time it arrived (performance.now()). */
export function subscribeLeads(
  hub: Pick<Server, 'url'>,
  token: string,
  filter: Record<string, unknown> | null,
  onEvent: (e: LeadEvent, at: number) => void,
  onError: (e: unknown) => void,
): Client {
  const client = createClient({
    url: `${hub.url.replace(/\/graphql$/, '').replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}`, purpose: PURPOSE },
    retryAttempts: 0,
    lazy: true,
  });
  client.subscribe(
    { query: LEAD_EVENTS, variables: { filter } },
    {
      next: (v) => {
        const at = performance.now();
        if (v.errors) onError(v.errors);
        else onEvent((v.data as { leadChanged: LeadEvent }).leadChanged, at);
      },
      error: onError,
      complete: () => undefined,
    },
  );
  return client;
}

/** Waits until the hub serves at least `n` subscriptions (its `hub_subscriptions` gauge), at most `ms`. */
export async function untilSubscribed(hub: Pick<Server, 'url'>, adminToken: string, n: number, ms = 120_000): Promise<number> {
  const end = Date.now() + ms;
  for (;;) {
    const text = (await readHubMetrics(hub, `Bearer ${adminToken}`)) ?? '';
    const have = Number(/^hub_subscriptions (\d+)$/m.exec(text)?.[1] ?? 0);
    if (have >= n) return have;
    if (Date.now() > end) throw new Error(`only ${have} of ${n} subscriptions registered within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface FanOutResult {
  subscribers: number;
  events: number;
  /** ms from sending the status change (stored before it is answered) to each subscriber's event */
  p50: number | null;
  p95: number | null;
  max: number | null;
  /** subscriber × event pairs that did not arrive within the wait */
  missing: number;
  /** seconds until every subscriber was registered */
  connectSeconds: number;
  errors: number;
  firstError?: string;
  /** store commands the hub sent while the events went out, by command (with STORE_COMMAND_METRICS=true on the hub) */
  storeCommands?: Record<string, number>;
}

/** The hub's `hub_store_commands_total` by command (empty without STORE_COMMAND_METRICS). */
async function storeCommands(hub: Pick<Server, 'url'>, adminToken: string): Promise<Record<string, number>> {
  const text = (await readHubMetrics(hub, `Bearer ${adminToken}`)) ?? '';
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^hub_store_commands_total\{command="(\w+)"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/**
 * `subscribers` procurators, each on a WebSocket of their own under their own name, all watching
 * every lead of the city; then `events` leads are acknowledged one after the other, and each arrival is timed from the moment the change was sent.
 */
export async function fanOut(o: {
  hub: Pick<Server, 'url'>;
  jwt: JwtSettings;
  subscribers: number;
  events: number;
  spacingMs?: number;
  waitMs?: number;
}): Promise<FanOutResult> {
  const base = o.hub.url.replace(/\/graphql$/, '');
  const admin = await signToken(o.jwt, { sub: 'bench-admin', org: 'BENCH', role: 'ADMIN', regions: ['50'] });
  const procurator = await signToken(o.jwt, { sub: 'bench-procurator', org: 'BENCH', role: 'PROCURATOR', regions: ['50'] });
  const headers = { authorization: `Bearer ${procurator}`, 'x-purpose': PURPOSE, 'content-type': 'application/json' };
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const body = (await (
      await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })
    ).json()) as any;
    if (body.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(body.errors).slice(0, 300)}`);
    return body.data;
  };
  const leads: string[] = (
    await gql('query BenchNewLeads($n: Int!) { supervisionLeads(filter: { status: [NEW] }, first: $n) { edges { node { id } } } }', {
      n: o.events,
    })
  ).supervisionLeads.edges.map((e: { node: { id: string } }) => e.node.id);
  if (leads.length < o.events) throw new Error(`fan-out: only ${leads.length} NEW leads to acknowledge (run the full evaluation first)`);

  /** lead id → arrival times of its event */
  const arrivals = new Map<string, number[]>(leads.map((id) => [id, []]));
  let errors = 0;
  let firstError: string | undefined;
  const clients: Client[] = [];
  const connectStarted = Date.now();
  for (let i = 0; i < o.subscribers; i++) {
    const token = await signToken(o.jwt, { sub: `bench-watcher-${i}`, org: 'BENCH', role: 'PROCURATOR', regions: ['50'] });
    clients.push(
      subscribeLeads(
        o.hub,
        token,
        null,
        (e, at) => {
          if (e.kind === 'STATUS') arrivals.get(e.lead.id)?.push(at);
        },
        (e) => {
          errors++;
          firstError ??= describeFailure(e);
        },
      ),
    );
  }
  try {
    await untilSubscribed(o.hub, admin, o.subscribers);
    const connectSeconds = Math.round((Date.now() - connectStarted) / 100) / 10;
    const latencies: number[] = [];
    let missing = 0;
    const commandsBefore = await storeCommands(o.hub, admin);
    for (const id of leads) {
      // Timed from when the change is sent (it is stored before the answer): a little more than from when it was stored.
      const storedAt = performance.now();
      await gql('mutation BenchAck($id: ID!) { updateLeadStatus(id: $id, status: ACKNOWLEDGED, note: "基准测试：已受理") { id } }', { id });
      const end = storedAt + (o.waitMs ?? 30_000);
      while (arrivals.get(id)!.length < o.subscribers && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
      const got = arrivals.get(id)!;
      missing += o.subscribers - got.length;
      for (const at of got) latencies.push(Math.max(0, at - storedAt));
      await new Promise((r) => setTimeout(r, o.spacingMs ?? 2000));
    }
    latencies.sort((a, b) => a - b);
    const commandsAfter = await storeCommands(o.hub, admin);
    const commands = Object.fromEntries(
      Object.entries(commandsAfter)
        .map(([k, n]) => [k, n - (commandsBefore[k] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    return {
      storeCommands: Object.keys(commands).length ? commands : undefined,
      subscribers: o.subscribers,
      events: leads.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: latencies.length ? Math.round(latencies[latencies.length - 1]) : null,
      missing,
      connectSeconds,
      errors,
      firstError,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}
