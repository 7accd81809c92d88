/** The days a rule's result for a person changes: what a rule tells the engine through `ctx.wake`. */
import type { Numbers, RuleContext } from './types';

/**
 * Wakes on each of `days` after today on which `state` (a record's result: absent, or its severity)
 * differs from the day before: the days its result changes, and no other.
 */
export function wakeOnChanges(ctx: RuleContext, days: readonly number[], state: (day: number) => string | null): void {
  for (const d of days) if (d > ctx.today && state(d) !== state(d - 1)) ctx.wake(d);
}

/** The stored figures a render needs, or null when a figure is missing (a lead stored before figures were dated). */
export function figures<K extends string>(n: Numbers, ...keys: K[]): Record<K, number | string> | null {
  for (const k of keys) if (n[k] === undefined) return null;
  return n as Record<K, number | string>;
}
