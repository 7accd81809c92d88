/** Wording of the numbers in findings, in Chinese and English. */
import { STAGE_TERMS } from '../record-domains/detention';
import { dateOfDay } from '../calendar';

export interface Span {
  months: number;
  days: number;
}

export function spanZh(s: Span): string {
  if (s.months && s.days) return `${s.months} 个月零 ${s.days} 日`;
  if (s.months) return `${s.months} 个月`;
  return `${s.days} 日`;
}

export function spanEn(s: Span): string {
  const m = s.months ? `${s.months} month${s.months === 1 ? '' : 's'}` : '';
  const d = s.days ? `${s.days} day${s.days === 1 ? '' : 's'}` : '';
  return [m, d].filter(Boolean).join(' ') || '0 days';
}

export const day = dateOfDay;

export function yuan(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** `3.5` years from days, one decimal. */
export function years(days: number): string {
  return (days / 365.25).toFixed(1);
}

/** The custody stages' terms: the same words the statistics' labels use (domain/record-domains/detention.ts). */
export const STAGE_ZH: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(STAGE_TERMS).map(([v, t]) => [v, t.zh]));
export const STAGE_EN: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(STAGE_TERMS).map(([v, t]) => [v, t.en]));
