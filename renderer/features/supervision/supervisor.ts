import { addDays, shanghaiDate, shanghaiDateTime } from '../../../shared/shanghai-time';

/** An ISO time as a hall reads it: `YYYY-MM-DD HH:mm:ss` in Asia/Shanghai. */
export function shanghaiTime(iso: string): string {
  return shanghaiDateTime(iso);
}

/** Today in Asia/Shanghai, `YYYY-MM-DD`. */
export function shanghaiToday(now = new Date()): string {
  return shanghaiDate(now);
}

/** The day `days` before a `YYYY-MM-DD` day. */
export function daysBefore(day: string, days: number): string {
  return addDays(day, -days);
}

export { messageOf } from '../../format';
