/**
 * Example: registers the example prison system (examples/prison-system.ts) with a running hub as a live
 * REST source, through the `registerDataSource` mutation, and prints the new source's id and its API key.
 *
 * Env: HUB_URL (default http://localhost:4000/graphql); HUB_TOKEN, a JWT sent as `Authorization: Bearer …`
 * when set (e.g. from `npm run token -- --role ADMIN`); PRISON_ENDPOINT (default http://127.0.0.1:4100).
 * Run: `npx tsx examples/register-prison.ts`
 */

const HUB_URL = process.env.HUB_URL ?? 'http://localhost:4000/graphql';
const HUB_TOKEN = process.env.HUB_TOKEN;
const ENDPOINT = process.env.PRISON_ENDPOINT ?? 'http://127.0.0.1:4100';

const REGISTER = `
  mutation RegisterPrison($input: RegisterDataSourceInput!) {
    registerDataSource(input: $input) {
      dataSource { id name status }
      apiKey
    }
  }
`;

interface GraphQLAnswer {
  data?: { registerDataSource?: { dataSource: { id: string; name: string; status: string }; apiKey: string } | null } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function main(): Promise<void> {
  // The hub reads the source live, so it had better be up; registering a source that is down still works.
  const health = await fetch(`${ENDPOINT}/health`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!health) console.warn(`warning: ${ENDPOINT}/health does not answer; is examples/prison-system.ts running?`);

  const input = {
    name: '重庆市示范监狱 狱政管理系统',
    department: { code: 'JY-500101-SF', name: '重庆市示范监狱' },
    domain: 'PRISON',
    kind: 'REST',
    regions: ['5001'],
    endpoint: ENDPOINT,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (HUB_TOKEN) headers.authorization = `Bearer ${HUB_TOKEN}`;

  const res = await fetch(HUB_URL, { method: 'POST', headers, body: JSON.stringify({ query: REGISTER, variables: { input } }) });
  const text = await res.text();
  let answer: GraphQLAnswer;
  try {
    answer = JSON.parse(text) as GraphQLAnswer;
  } catch {
    throw new Error(`${HUB_URL} answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  if (answer.errors?.length) {
    for (const e of answer.errors) console.error(`error${e.extensions?.code ? ` (${e.extensions.code})` : ''}: ${e.message}`);
    if (!HUB_TOKEN) console.error('hint: set HUB_TOKEN to a token allowed to register sources (npm run token -- --role ADMIN)');
    process.exitCode = 1;
    return;
  }
  const payload = answer.data?.registerDataSource;
  if (!payload) throw new Error(`${HUB_URL} answered ${res.status} without data: ${text.slice(0, 300)}`);

  console.log(`registered ${payload.dataSource.name} (${payload.dataSource.status})`);
  console.log(`source id: ${payload.dataSource.id}`);
  console.log(`API key:   ${payload.apiKey}`);
  console.log('The API key is shown only this once: store it now (rotateDataSourceKey issues a new one).');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.message}${e.cause ? ` (${String(e.cause)})` : ''}` : e);
  if (e instanceof Error && e.message === 'fetch failed') console.error(`is the hub running at ${HUB_URL}?`);
  process.exitCode = 1;
});
