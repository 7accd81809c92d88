import { checkCharacter, makeIdNumber, maskIdNumber, maskName, parseIdNumber } from '../domain/id-number';

describe('resident ID numbers (GB 11643-1999)', () => {
  it('computes the ISO 7064 MOD 11-2 check character, including X', () => {
    // 11010519491231002: the standard's own worked example, check character X
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(makeIdNumber('500101', '1990-01-01', 123)).toBe('50010119900101123X');
  });

  it('normalises a lower-case x and reports gender, birth date and address code', () => {
    const r = parseIdNumber('50010119900101123x');
    expect(r).toEqual({
      ok: true,
      value: { idNumber: '50010119900101123X', regionCode: '500101', birthDate: '1990-01-01', gender: 'MALE' },
    });
    const female = parseIdNumber(makeIdNumber('500222', '1975-06-30', 132));
    expect(female.ok && female.value.gender).toBe('FEMALE');
  });

  it('rejects a wrong check character, saying which one was expected', () => {
    expect(parseIdNumber('500101199001011234')).toEqual({ ok: false, reason: 'check character should be X, got 4' });
  });

  it('rejects impossible and future birth dates', () => {
    const feb30 = `50010119900230123`;
    expect(parseIdNumber(feb30 + checkCharacter(feb30))).toEqual({ ok: false, reason: 'birth date 19900230 is not a valid date' });
    const future = `50010130000101123`;
    const r = parseIdNumber(future + checkCharacter(future), new Date('2026-01-01'));
    expect(r.ok).toBe(false);
  });

  it('converts a 15-digit number from before 1999 to 18 digits', () => {
    const r = parseIdNumber('500101900101123');
    expect(r.ok && r.value.idNumber).toBe('50010119900101123X');
  });

  it('keeps old address codes that are no longer in GB/T 2260', () => {
    for (const code of ['500110', '500222', '500381', '510202']) {
      expect(parseIdNumber(makeIdNumber(code, '1960-02-29', 15)).ok).toBe(true);
    }
  });

  it('rejects wrong lengths and characters with a message naming what came', () => {
    expect(parseIdNumber('5001011990')).toEqual({
      ok: false,
      reason: 'must be 18 characters (17 digits and a digit or X) or 15 digits, got 10 characters',
    });
    expect(parseIdNumber('50010119900101123Y').ok).toBe(false);
  });

  it('masks ID numbers and names for analysts', () => {
    expect(maskIdNumber('50010119900101123X')).toBe('500101********123X');
    expect(maskName('张伟')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
  });
});
