/**
 * CSV export (POST /export): the same operation and variables as the screen shows, saved as a file.
 * The hub streams a large list page after page; the rows are counted as they arrive (progress), the
 * export can be cancelled, and a file the hub could not finish (`# export incomplete: …`, its last
 * line) is reported as a failure, never saved as if it were whole.
 */
import { headerSafe, operationText, RequestError, type HubError } from './client';
import { getSession } from './session';

export interface ExportOptions {
  /** which columns, in which order, under which titles (the operation's own text cannot change) */
  columns?: { path: string; title: string }[];
  /** rows received so far (the header not counted) */
  onProgress?: (rows: number) => void;
  signal?: AbortSignal;
}

export interface Exported {
  rows: number;
  /** `# warning: …` lines: a live source that was down, the rest exported */
  warnings: string[];
}

export async function exportCsv(
  operation: { toString(): string },
  variables: unknown,
  filename: string,
  options: ExportOptions = {},
): Promise<Exported> {
  const s = getSession();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (s) headers.authorization = `Bearer ${s.token}`;
  if (s?.purpose) headers['x-purpose'] = headerSafe(s.purpose);
  const res = await fetch('/export', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: operationText(operation), variables, columns: options.columns }),
    signal: options.signal,
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => ({}))) as { errors?: HubError[] };
    throw new RequestError(body.errors?.[0]?.message ?? `the hub answered ${res.status}`, body.errors ?? [], res.status);
  }
  const chunks: Uint8Array[] = [];
  const decoder = new TextDecoder();
  const warnings: string[] = [];
  let incomplete: string | null = null;
  let partial = '';
  let quoted = false;
  let lines = 0;
  const reader = res.body.getReader();
  const take = (line: string) => {
    if (line.startsWith('# export incomplete:')) incomplete = line.slice(2);
    else if (line.startsWith('# warning:')) warnings.push(line.slice(2));
    else if (line.length > 0) lines++;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      // a quoted cell may hold line breaks: a row ends at a CRLF outside quotes
      const text = decoder.decode(value, { stream: true });
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') quoted = !quoted;
        else if (c === '\n' && !quoted) {
          take((partial + text.slice(start, i)).replace(/\r$/, ''));
          partial = '';
          start = i + 1;
        }
      }
      partial += text.slice(start);
      options.onProgress?.(Math.max(0, lines - 1));
    }
  } catch (e) {
    // the hub cuts a failed export without its closing chunk: the line before says why
    if (options.signal?.aborted) throw e;
    throw new RequestError(incomplete ?? `the export was cut off after ${Math.max(0, lines - 1)} rows: ${(e as Error).message}`, [], 0);
  }
  take(partial);
  if (incomplete) throw new RequestError(incomplete, [], 0);
  const rows = Math.max(0, lines - 1);
  options.onProgress?.(rows);
  const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { rows, warnings };
}
