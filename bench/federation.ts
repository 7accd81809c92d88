/**
 * Latency through a federation gateway against the hub directly, side by side in one run: the same
 * dossier query sent straight to the hub and through the gateway (the hub's fields only), and the
 * joined query (with the judgments subgraph), alternating request by request over random persons.
 *
 *   npm run bench:federation -- [--hub http://localhost:4000/graphql] [--gateway http://127.0.0.1:4300/graphql] [--requests 150]
 *
 * Against running processes (docs/federation.md, "The example supergraph": FEDERATION=subgraph npm
 * start, the judgments subgraph, compose, the gateway). Prints median and p95 of each and the ratios.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    hub: { type: 'string', default: 'http://localhost:4000/graphql' },
    gateway: { type: 'string', default: 'http://127.0.0.1:4300/graphql' },
    // 3 × 150 + 30 warm-up requests stay under npm start's rate limit (RATE_LIMIT_POINTS 600 a minute per caller)
    requests: { type: 'string', default: '150' },
  },
});
const N = Number(values.requests);

const HUB_ONLY = 'query($id: IdNumber!) { person(idNumber: $id) { name detentions { totalCount edges { node { stage } } } } }';
const JOINED =
  'query($id: IdNumber!) { person(idNumber: $id) { name detentions { totalCount edges { node { stage } } } judgments { caseNumber court } } }';

async function main() {
  const token = execFileSync('npm', ['run', '--silent', 'token', '--', '--role', 'PROCURATOR'], { encoding: 'utf8' }).trim();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'BENCH-FEDERATION' };
  const post = async (url: string, query: string, variables: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { errors?: { message: string }[] };
    if (body.errors) throw new Error(`${url}: ${body.errors[0].message}`);
    return performance.now() - started;
  };
  // persons with custody records, from the hub itself
  const list = (await (
    await fetch(values.hub, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ detentionRecords(first: 200) { edges { node { person { idNumber } } } } }' }),
    })
  ).json()) as { data: { detentionRecords: { edges: { node: { person: { idNumber: string } } }[] } } };
  const ids = [...new Set(list.data.detentionRecords.edges.map((e) => e.node.person.idNumber))];
  const times: Record<'direct' | 'gateway' | 'joined', number[]> = { direct: [], gateway: [], joined: [] };
  // warm-up: a few of each, not counted
  for (let i = 0; i < 10; i++) {
    await post(values.hub, HUB_ONLY, { id: ids[i % ids.length] });
    await post(values.gateway, HUB_ONLY, { id: ids[i % ids.length] });
    await post(values.gateway, JOINED, { id: ids[i % ids.length] });
  }
  for (let i = 0; i < N; i++) {
    const id = ids[(i * 7919) % ids.length];
    // contender order rotated request by request
    const order = [
      ['direct', values.hub, HUB_ONLY],
      ['gateway', values.gateway, HUB_ONLY],
      ['joined', values.gateway, JOINED],
    ] as const;
    for (let k = 0; k < 3; k++) {
      const [name, url, query] = order[(i + k) % 3];
      times[name].push(await post(url, query, { id }));
    }
  }
  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] };
  };
  const d = stat(times.direct);
  const g = stat(times.gateway);
  const j = stat(times.joined);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  process.stdout.write(
    `${N} requests each, ${ids.length} persons, one at a time:\n` +
      `  direct to the hub:           median ${ms(d.median)}, p95 ${ms(d.p95)}\n` +
      `  through the gateway:         median ${ms(g.median)}, p95 ${ms(g.p95)}  (${(g.median / d.median).toFixed(2)}× direct)\n` +
      `  joined with judgments:       median ${ms(j.median)}, p95 ${ms(j.p95)}  (${(j.median / d.median).toFixed(2)}× direct)\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
