/** Wording of the numbers in findings, in Chinese and English. */
import { dateOfDay } from '../calendar';

export interface Span { months: number; days: number }

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

export const STAGE_ZH: Record<string, string> = {
  CRIMINAL_DETENTION: '刑事拘留', ARREST_REVIEW: '提请批准逮捕', INVESTIGATION: '侦查羁押', PROSECUTION_REVIEW: '审查起诉',
  FIRST_INSTANCE: '一审', SECOND_INSTANCE: '二审', AWAITING_TRANSFER: '待交付执行', SERVING_IN_CENTRE: '留所服刑',
};
export const STAGE_EN: Record<string, string> = {
  CRIMINAL_DETENTION: 'criminal detention', ARREST_REVIEW: 'arrest review', INVESTIGATION: 'investigation',
  PROSECUTION_REVIEW: 'prosecution review', FIRST_INSTANCE: 'first instance', SECOND_INSTANCE: 'second instance',
  AWAITING_TRANSFER: 'awaiting transfer', SERVING_IN_CENTRE: 'serving in the centre',
};
