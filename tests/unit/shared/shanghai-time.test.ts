import { describe, expect, it } from 'vitest';
import { addDays, shanghaiDate, shanghaiDateTime, shanghaiDayStart, shanghaiTimeOfDay } from '../../../shared/shanghai-time';

describe('time in Shanghai (UTC+8, no daylight saving)', () => {
  it.each([
    ['2026-11-26T15:59:59Z', '2026-11-26'],
    ['2026-11-26T16:00:00Z', '2026-11-27'],
    ['2026-12-31T16:00:00Z', '2027-01-01'],
    ['2028-02-28T16:00:00Z', '2028-02-29'],
    // Mid-summer, when a zone with daylight saving would be off by an hour.
    ['2026-07-01T15:59:59.999Z', '2026-07-01'],
  ])('the date at %s is %s', (instant, date) => {
    expect(shanghaiDate(new Date(instant))).toBe(date);
  });

  it.each([
    ['2026-11-26T02:03:04Z', 'second', '2026-11-26 10:03:04'],
    ['2026-11-26T02:03:04.999Z', 'minute', '2026-11-26 10:03'],
    ['2026-11-26T16:00:00Z', 'second', '2026-11-27 00:00:00'],
  ] as const)('%s reads %s-wise as %s', (iso, precision, text) => {
    expect(shanghaiDateTime(iso, precision)).toBe(text);
    expect(shanghaiDateTime(new Date(iso), precision)).toBe(text);
  });

  it('reads the time of day', () => {
    expect(shanghaiTimeOfDay('2026-11-26T17:30:00Z')).toBe('01:30:00');
  });

  it.each([
    ['2026-11-26', '2026-11-25T16:00:00.000Z'],
    ['2027-01-01', '2026-12-31T16:00:00.000Z'],
  ])('the day %s begins at %s', (day, iso) => {
    expect(new Date(shanghaiDayStart(day)).toISOString()).toBe(iso);
    expect(shanghaiDate(new Date(shanghaiDayStart(day)))).toBe(day);
    expect(shanghaiDate(new Date(shanghaiDayStart(day) - 1))).toBe(addDays(day, -1));
  });

  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-11-27', -6, '2026-11-21'],
    ['2026-11-27', 0, '2026-11-27'],
  ])('%s %i days is %s', (day, days, expected) => {
    expect(addDays(day, days)).toBe(expected);
  });
});
