/**
 * Text a client sends: which characters a stored string may hold, and how input is shown back in
 * an error message. Pure: no I/O.
 */

/**
 * C0 control characters (U+0000–U+001F) and DEL. PostgreSQL cannot store U+0000 in text (FerretDB
 * answers SQLSTATE 22P05 for the whole write), and the others have no business in a name or a code:
 * they garble logs, terminals and CSV cells.
 */
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
/** The same, but tab, line feed and carriage return are allowed: free text of several lines. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * What is wrong with `value` as stored text, or null: the first control character and where it
 * stands (1-based, in UTF-16 code units as JavaScript counts). `multiline` fields (notes, reasons,
 * descriptions) may hold tab and line breaks.
 */
export function controlCharacterProblem(value: string, multiline = false): string | null {
  const m = (multiline ? CONTROL_IN_TEXT : CONTROL).exec(value);
  if (!m) return null;
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `must not contain control characters (U+${code} at position ${m.index + 1})`;
}

/** `value` with each control character written as its `\uXXXX` escape: storable and printable as it stands. */
export function escapeControls(value: string): string {
  return value.replace(CONTROL_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The most characters of a client's value an error message repeats. */
export const ECHO_MAX = 64;

/**
 * A client's value as an error message shows it: JSON-quoted (so control characters appear escaped,
 * never raw, in answers, logs and stored rejection reasons) and cut after ECHO_MAX characters, with
 * the full length: `"5555…" (200000 characters)`. A message never carries a whole 64 MiB push line.
 */
export function echo(value: unknown): string {
  // other values as their JSON text (a number stays 12, not "12")
  const json = typeof value === 'string' ? null : (JSON.stringify(value) ?? String(value));
  if (json !== null && json.length <= ECHO_MAX) return json;
  const text = json ?? (value as string);
  if (text.length <= ECHO_MAX) return JSON.stringify(text);
  let cut = text.slice(0, ECHO_MAX);
  // never half a surrogate pair
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${JSON.stringify(`${cut}…`)} (${text.length} characters)`;
}

/** `echo` without the quotes where the value is short and plain (ID numbers, codes in running text). */
export function echoPlain(value: string): string {
  return value.length <= ECHO_MAX && !CONTROL.test(value) && !/["\\]/.test(value) ? value : echo(value);
}

/** The longest error message the hub sends: a safety net for echoes no caller bounded. */
export const MESSAGE_MAX = 1000;

/**
 * Bounds a message built from client input: control characters escaped, every quoted value in it
 * cut like `echo` (graphql-js repeats a literal or a variable's value whole: `found "…"`,
 * `got invalid value "…"`), and what is still over MESSAGE_MAX cut there.
 */
export function boundMessage(raw: string): string {
  const message = escapeControls(raw);
  if (message.length <= 2 * ECHO_MAX) return message;
  const bounded = message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => {
    if (inner.length <= ECHO_MAX) return whole;
    try {
      return echo(JSON.parse(`"${inner}"`));
    } catch {
      return echo(inner);
    }
  });
  return bounded.length <= MESSAGE_MAX ? bounded : `${bounded.slice(0, MESSAGE_MAX)}… (message cut: ${bounded.length} characters)`;
}
