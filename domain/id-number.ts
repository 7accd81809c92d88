/**
 * Resident ID numbers (居民身份证号码, GB 11643-1999).
 *
 * 18 characters: 6-digit address code, birth date YYYYMMDD, 3-digit sequence (odd = male),
 * and an ISO 7064 MOD 11-2 check character. 15-digit numbers issued before 1999 are converted
 * (insert "19" before the birth date, append the computed check character).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits of an ID number. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export interface IdNumberInfo {
  /** the normalised 18-character number */
  idNumber: string;
  /** the 6-digit address code (may be an old code no longer in GB/T 2260) */
  regionCode: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: 'MALE' | 'FEMALE';
}

export type IdNumberResult = { ok: true; value: IdNumberInfo } | { ok: false; reason: string };

function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/**
 * Validates and normalises an ID number. Never throws; the reason says what was expected and what came,
 * e.g. `check character should be 5, got 4`.
 *
 * @example parseIdNumber('50010119900101123x') // { ok: true, value: { idNumber: '50010119900101123X', … } }
 */
export function parseIdNumber(input: string, today: Date = new Date()): IdNumberResult {
  if (typeof input !== 'string') return { ok: false, reason: 'must be a string' };
  const raw = input.trim();
  let id: string;
  if (/^\d{15}$/.test(raw)) {
    const first17 = `${raw.slice(0, 6)}19${raw.slice(6)}`;
    id = first17 + checkCharacter(first17);
  } else if (/^\d{17}[\dXx]$/.test(raw)) {
    id = raw.toUpperCase();
  } else {
    return {
      ok: false,
      reason: `must be 18 characters (17 digits and a digit or X) or 15 digits, got ${raw.length} characters`,
    };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1880 || !isValidDate(y, m, d)) {
    return { ok: false, reason: `birth date ${id.slice(6, 14)} is not a valid date` };
  }
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > today.toISOString().slice(0, 10)) {
    return { ok: false, reason: `birth date ${birthDate} is in the future` };
  }
  if (id.slice(0, 6) === '000000' || id.slice(0, 2) === '00') {
    return { ok: false, reason: `address code ${id.slice(0, 6)} is not an address code` };
  }
  const expected = checkCharacter(id.slice(0, 17));
  if (expected !== id[17]) {
    return { ok: false, reason: `check character should be ${expected}, got ${id[17]}` };
  }
  return {
    ok: true,
    value: {
      idNumber: id,
      regionCode: id.slice(0, 6),
      birthDate,
      gender: Number(id[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
    },
  };
}

/** Builds a valid ID number from its parts (used by the synthetic data generator). */
export function makeIdNumber(regionCode: string, birthDate: string, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  if (!/^\d{17}$/.test(first17)) throw new Error(`cannot build an ID number from ${regionCode}/${birthDate}/${sequence}`);
  return first17 + checkCharacter(first17);
}

/** `500101********123X`: keeps the address code and the last four characters. */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** `张*`, `欧阳**`: keeps the surname (two characters for the common compound surnames). */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  const keep = chars.length >= 4 ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}
