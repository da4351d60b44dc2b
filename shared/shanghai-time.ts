/**
 * Time as the counters and the hall read it: Beijing time (China Standard Time), which is UTC+8
 * all year with no daylight saving. A case number carries its Shanghai date, a licence or an
 * ID card is valid by Shanghai calendar days, a receipt and the audit trail show Shanghai
 * times, and the supervisor's figures are kept per Shanghai day. This module is the one place
 * that knows the offset: the workstation's own clock zone may be anything (a browser set to
 * UTC, a CI machine), and `Intl` with `timeZone: 'Asia/Shanghai'` depends on the ICU data the
 * runtime was built with and formats differently between Node and Chromium.
 */

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

function shifted(at: Date | string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString();
}

/** The calendar date `YYYY-MM-DD` in Shanghai at an instant. */
export function shanghaiDate(at: Date): string {
  return shifted(at).slice(0, 10);
}

/**
 * An instant (a Date or an ISO time) as `YYYY-MM-DD HH:mm:ss` in Shanghai, or `YYYY-MM-DD HH:mm`
 * when `precision` is `minute` (a printed receipt).
 */
export function shanghaiDateTime(at: Date | string, precision: 'second' | 'minute' = 'second'): string {
  const text = shifted(at);
  return `${text.slice(0, 10)} ${text.slice(11, precision === 'minute' ? 16 : 19)}`;
}

/** The time of day `HH:mm:ss` in Shanghai at an instant. */
export function shanghaiTimeOfDay(at: Date | string): string {
  return shifted(at).slice(11, 19);
}

/**
 * The instant (milliseconds since the epoch) at which a Shanghai day `YYYY-MM-DD` begins, that
 * is 16:00 UTC of the day before. The caller checks that `day` is a real day.
 */
export function shanghaiDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
}

/** The calendar day `days` after a day `YYYY-MM-DD` (before it when negative); no time zone is involved. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
