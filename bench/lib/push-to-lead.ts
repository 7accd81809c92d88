/**
 * Push → lead latency (issue 26, item 5): while a dossier load runs, a department pushes, one at a
 * time, custody records that are past their stage limit; each push is timed from the moment it is
 * sent until the person's DET_OVERDUE_STAGE lead is queryable over HTTP (and, when a subscriber
 * watches, until its subscription event arrives). The persons are new to the data set, so every
 * lead is the push's own.
 */
import { makeIdNumber } from '../../domain/id-number';
import { signToken, type JwtSettings } from '../../server/jwt';
import { percentile, runLoad, type LoadResult } from './load';
import type { Server } from './processes';
import { describeFailure, PURPOSE, subscribeLeads, untilSubscribed } from './subscribers';

const DOSSIER = `query BenchDossier($id: IdNumber!) { person(idNumber: $id) { idNumber name
  detentions(first: 50) { edges { node { id externalId stage admittedAt releasedAt } } }
  imprisonments(first: 50) { edges { node { id externalId status expectedReleaseDate } } }
  corrections(first: 50) { edges { node { id externalId status endDate } } }
  enforcementCases(first: 50) { edges { node { id externalId status amountInvolved } } } } }`;

const LEAD = `query BenchLead($id: IdNumber!) { supervisionLeads(filter: { idNumber: $id, rules: ["DET_OVERDUE_STAGE"] }, first: 5) { totalCount } }`;

export interface PushToLeadResult {
  pushes: number;
  /** ms from sending the push to the lead answering a query */
  leadP50: number | null;
  leadP95: number | null;
  leadMax: number | null;
  /** pushes whose lead did not appear within the wait */
  missing: number;
  /** ms from sending the push to its lead's subscription event (a procurator watching the rule) */
  eventP50: number | null;
  eventP95: number | null;
  /** pushes whose event did not arrive within the wait */
  eventsMissing: number;
  /** the dossier load that ran meanwhile */
  dossier: LoadResult;
}

/** A custody record in investigation since early 2024 and never released: past its limit. */
export function overdueCustody(idNumber: string, n: number): Record<string, unknown> {
  const at = '2024-02-10T09:00:00+08:00';
  return {
    externalId: `BENCH-LATENCY-${idNumber}`,
    idNumber,
    name: '测试人',
    region: '500101',
    eventAt: at,
    updatedAt: '2024-10-01T09:00:00+08:00',
    facility: { code: 'KSS-500101', name: '重庆市万州区看守所' },
    caseNumber: `万公刑字〔2024〕${9000 + n}号`,
    handlingAuthority: '重庆市公安局万州区分局',
    stage: 'INVESTIGATION',
    admittedAt: at,
    stageStartedAt: at,
  };
}

/** The n-th person of this scenario: born in 1955 (the demo generator's persons are younger), valid checksum. */
export function latencyPerson(run: number, n: number): string {
  const day = String(1 + (n % 28)).padStart(2, '0');
  const month = String(1 + (Math.floor(n / 28) % 12)).padStart(2, '0');
  return makeIdNumber('500101', `1955-${month}-${day}`, (run * 97 + Math.floor(n / 336)) % 1000);
}

export interface PushToLeadOptions {
  hub: Pick<Server, 'url'>;
  jwt: JwtSettings;
  source: { id: string; apiKey: string };
  /** ID numbers of the data set for the dossier load (a different one per request) */
  dossierIds: string[];
  pushes: number;
  /** ms between two pushes */
  spacingMs: number;
  /** how long to wait for a lead before counting it missing */
  waitMs?: number;
  /** distinguishes the persons of two runs on one data set */
  run: number;
}

export async function pushToLead(o: PushToLeadOptions): Promise<PushToLeadResult> {
  const base = o.hub.url.replace(/\/graphql$/, '');
  const token = await signToken(o.jwt, { sub: 'bench-procurator', org: 'BENCH', role: 'PROCURATOR', regions: ['50'] });
  const headers = { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE, 'content-type': 'application/json' };
  // A procurator watching the rule: the first CREATED event of each pushed person is timed.
  const sent = new Map<string, number>();
  const eventLatencies: number[] = [];
  const watcher = subscribeLeads(
    o.hub,
    token,
    { rules: ['DET_OVERDUE_STAGE'] },
    (e, at) => {
      const from = sent.get(e.lead.person.idNumber);
      if (e.kind !== 'CREATED' || from === undefined) return;
      sent.delete(e.lead.person.idNumber);
      eventLatencies.push(at - from);
    },
    (e) => process.stderr.write(`push → lead: the subscription failed: ${describeFailure(e)}\n`),
  );
  const admin = await signToken(o.jwt, { sub: 'bench-admin', org: 'BENCH', role: 'ADMIN', regions: ['50'] });
  await untilSubscribed(o.hub, admin, 1);
  const waitMs = o.waitMs ?? 60_000;
  // The dossier load, for as long as the pushes last and 10 s more (the last leads come meanwhile).
  const loadS = Math.ceil((o.pushes * o.spacingMs) / 1000) + 10;
  const load = runLoad({
    url: base,
    connections: 8,
    durationS: loadS,
    timeoutS: 30,
    request: (i) => ({
      path: '/graphql',
      method: 'POST',
      headers,
      body: JSON.stringify({ query: DOSSIER, variables: { id: o.dossierIds[(i * 7919) % o.dossierIds.length] } }),
    }),
  });
  const latencies: number[] = [];
  let missing = 0;
  const waits: Promise<void>[] = [];
  // a failed lead query ends the scenario once the others are done (a rejection left waiting would end
  // the process at once, before the hub it started is stopped)
  let failure: unknown;
  for (let n = 0; n < o.pushes; n++) {
    const id = latencyPerson(o.run, n);
    const sentAt = performance.now();
    sent.set(id, sentAt);
    const res = await fetch(`${base}/ingest/${o.source.id}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${o.source.apiKey}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify(overdueCustody(id, n)),
    });
    const answer = (await res.json()) as { accepted?: number };
    if (res.status !== 200 || answer.accepted !== 1)
      throw new Error(`push ${n} answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
    waits.push(
      (async () => {
        for (;;) {
          const r = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: LEAD, variables: { id } }) });
          const body = (await r.json()) as { data?: { supervisionLeads?: { totalCount: number } }; errors?: unknown };
          if (body.errors) throw new Error(`the lead query failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
          if ((body.data?.supervisionLeads?.totalCount ?? 0) > 0) {
            latencies.push(performance.now() - sentAt);
            return;
          }
          if (performance.now() - sentAt > waitMs) {
            missing++;
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })().catch((e: unknown) => {
        failure ??= e;
      }),
    );
    await new Promise((r) => setTimeout(r, o.spacingMs));
  }
  await Promise.all(waits);
  if (failure) throw failure;
  // events still on their way get the same wait as the leads
  for (const end = performance.now() + 10_000; sent.size > 0 && performance.now() < end;) await new Promise((r) => setTimeout(r, 50));
  await watcher.dispose();
  const dossier = await load;
  const sorted = latencies.sort((a, b) => a - b);
  const events = eventLatencies.sort((a, b) => a - b);
  return {
    pushes: o.pushes,
    leadP50: percentile(sorted, 50),
    leadP95: percentile(sorted, 95),
    leadMax: sorted.length ? Math.round(sorted[sorted.length - 1]) : null,
    missing,
    eventP50: percentile(events, 50),
    eventP95: percentile(events, 95),
    eventsMissing: sent.size,
    dossier,
  };
}
