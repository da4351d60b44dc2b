/** Small formatting helpers the pages share. */

/** The message of a failure, for a sentence on screen (an AppError's is already the clerk's sentence). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A time as the screens show it: zh-CN, 24-hour, the workstation's own time zone; '' for none. */
export function localTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '';
}
