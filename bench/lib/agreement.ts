/**
 * Whether contenders answer the same thing, and in which order they are timed: the harness's own
 * logic, kept apart from bench/run.ts (which runs when imported) so that it is tested
 * (test/bench-report.test.ts).
 */
import crypto from 'node:crypto';

/** `targets` in the order of round `n`: each contender in turn runs first, so none always meets the machine coldest or warmest. */
export function rotateOrder<T>(targets: readonly T[], n: number): T[] {
  if (targets.length === 0) return [];
  const k = n % targets.length;
  return [...targets.slice(k), ...targets.slice(0, k)];
}

/**
 * The first place where two canonical answers differ, as `path: a ≠ b` (short), or null when equal.
 */
export function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as any)[k], (b as any)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  const show = (v: unknown) => (JSON.stringify(v) ?? 'undefined').slice(0, 120);
  return `${at || 'answer'}: ${show(a)} ≠ ${show(b)}`;
}

/** A canonical answer in a few words for the results: its size and a digest. */
export function digest(canon: unknown[]): string {
  const text = JSON.stringify(canon);
  const items = canon.reduce<number>((n, x) => n + (Array.isArray(x) ? x.length : 1), 0);
  return `${canon.length} answers, ${items} items, sha1 ${crypto.createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
}
