/** The JSON-over-HTTP calls every live protocol is made of (fetch, with the policy's abort signal). */

/** GET `url` with these query parameters; the answer's JSON. */
export async function getJson(url: string, query: Record<string, string>, signal: AbortSignal): Promise<unknown> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  const res = await fetch(u, { signal, headers: { accept: 'application/json' } });
  return readJson(res);
}

/** POST `body` as JSON to `url`; the answer's JSON. */
export async function postJson(url: string, body: unknown, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    signal,
    body: JSON.stringify(body),
    headers: { accept: 'application/json', 'content-type': 'application/json' },
  });
  return readJson(res);
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 120)}` : ''}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`answered with malformed JSON (${text.length} bytes)`);
  }
}
