import { shanghaiDate } from '../../../shared/licence-verify';

/** An ISO time as a hall reads it: `YYYY-MM-DD HH:mm:ss` in Asia/Shanghai. */
export function shanghaiTime(iso: string): string {
  const at = new Date(Date.parse(iso) + 8 * 3600 * 1000).toISOString();
  return `${at.slice(0, 10)} ${at.slice(11, 19)}`;
}

/** Today in Asia/Shanghai, `YYYY-MM-DD`. */
export function shanghaiToday(now = new Date()): string {
  return shanghaiDate(now);
}

/** The day `days` before a `YYYY-MM-DD` day. */
export function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

export { messageOf } from '../../format';
