/** CSV export (POST /export): the same operation and variables as the screen shows, saved as a file. */
import { headerSafe, operationText, RequestError, type HubError } from './client';
import { getSession } from './session';

export async function exportCsv(operation: { toString(): string }, variables: unknown, filename: string): Promise<void> {
  const s = getSession();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (s) headers.authorization = `Bearer ${s.token}`;
  if (s?.purpose) headers['x-purpose'] = headerSafe(s.purpose);
  const res = await fetch('/export', { method: 'POST', headers, body: JSON.stringify({ query: operationText(operation), variables }) });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { errors?: HubError[] };
    throw new RequestError(body.errors?.[0]?.message ?? `the hub answered ${res.status}`, body.errors ?? [], res.status);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
