/**
 * `npx tsx examples/watch-leads.ts [--hub http://localhost:4000/graphql] [--region 500101] [--push]`
 *
 * Leads as the data arrive, against a running hub (`npm start`): a procurator of the district
 * subscribes over WebSocket (graphql-ws, the protocol of docs/api.md#subscriptions) to new and changed
 * custody-overdue leads (超期羁押) of its jurisdiction and prints each event. With `--push`, a detention
 * centre then pushes one custody record past its limit for a new (generated) person, and the script
 * prints how long the lead took to reach the subscriber, and exits: no full evaluation runs, the hub
 * evaluates the pushed person within seconds (docs/domain.md, incremental evaluation).
 */
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { makeIdNumber } from '../domain/id-number';
import { loadConfig } from '../server/config';
import { signToken } from '../server/jwt';

const { values } = parseArgs({
  options: {
    hub: { type: 'string', default: 'http://localhost:4000/graphql' },
    region: { type: 'string', default: '500101' },
    push: { type: 'boolean', default: false },
  },
});
const hub = values.hub!;
const region = values.region!;
const config = loadConfig();

async function main(): Promise<void> {
  const procurator = await signToken(
    config.jwt,
    { sub: 'watch-example', org: `JCY-${region}`, role: 'PROCURATOR', regions: [region] },
    '1h',
  );
  const client = createClient({
    url: hub.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${procurator}`, purpose: `渝检${region.slice(4)}监〔2026〕9号` },
  });
  let pushedAt = 0;
  let pushedPerson = '';
  const done = new Promise<void>((resolve, reject) => {
    client.subscribe(
      {
        query: `subscription Watch($filter: LeadFilter) { leadChanged(filter: $filter) {
          cursor kind status at lead { id rule { id title } severity explanation person { idNumber name } } } }`,
        variables: { filter: { regions: [region], rules: ['DET_OVERDUE_STAGE'] } },
      },
      {
        next: ({ data, errors }) => {
          if (errors) return reject(new Error(JSON.stringify(errors)));
          const e = (data as any).leadChanged;
          console.log(`${e.kind} ${e.status} ${e.lead.rule.title} ${e.lead.person.name} ${e.lead.person.idNumber}: ${e.lead.explanation}`);
          if (pushedPerson && e.lead.person.idNumber === pushedPerson) {
            console.log(`the pushed record's lead reached this subscriber ${Date.now() - pushedAt} ms after the push was sent`);
            resolve();
          }
        },
        error: (err) =>
          reject(err instanceof Error ? err : new Error(`subscription closed: ${(err as { reason?: string }).reason ?? String(err)}`)),
        complete: () => resolve(),
      },
    );
  });
  console.log(`watching new and changed 超期羁押 leads of ${region} (Ctrl-C to stop)`);
  if (values.push) await pushOverdue((id, at) => ((pushedPerson = id), (pushedAt = at)));
  await done;
  await client.dispose();
}

/** A detention centre registers (as an administrator would) and pushes one record past its limit. */
async function pushOverdue(pushed: (idNumber: string, at: number) => void): Promise<void> {
  const admin = await signToken(config.jwt, { sub: 'watch-example-admin', org: 'HUB', role: 'ADMIN', regions: ['50'] }, '1h');
  const res = await fetch(hub, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({
      query: `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } apiKey } }`,
      variables: {
        input: {
          name: `示例看守所 ${Date.now()}`,
          department: { code: `KSS${region}`, name: '示例看守所' },
          domain: 'DETENTION',
          kind: 'HOSTED',
          regions: [region],
        },
      },
    }),
  });
  const registered = ((await res.json()) as any).data?.registerDataSource;
  if (!registered) throw new Error(`registering the example source failed (${res.status})`);
  // a person born in 1950 with a valid check character: generated, not real
  const idNumber = makeIdNumber(region, '1950-01-15', Math.floor(Math.random() * 900) + 100);
  const at = '2026-01-05T09:00:00+08:00';
  const record = {
    externalId: `WATCH-${idNumber}`,
    idNumber,
    name: '示例人',
    region,
    eventAt: at,
    updatedAt: at,
    facility: { code: `KSS-${region}`, name: '示例看守所' },
    caseNumber: '示公刑字〔2026〕1号',
    handlingAuthority: '示例公安分局',
    stage: 'INVESTIGATION',
    admittedAt: at,
    stageStartedAt: at,
  };
  pushed(idNumber, Date.now());
  const answer = await fetch(hub.replace(/\/graphql$/, `/ingest/${registered.dataSource.id}`), {
    method: 'POST',
    headers: { authorization: `ApiKey ${registered.apiKey}`, 'content-type': 'application/x-ndjson' },
    body: JSON.stringify(record),
  });
  console.log(`pushed one custody record of ${idNumber} (in investigation since 2026-01-05): ${answer.status} ${await answer.text()}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
