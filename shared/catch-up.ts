/**
 * The rules of Art. 11's catch-up that are not I/O: which materials of a completed case are
 * re-checked once the library is reachable again, and the one piece of face data a completed
 * case may keep for it — the holder's name — with when it must go.
 *
 * Why the name at all: the re-check asks the library for a counter-duty grant
 * (`POST /authorizations/duty`, docs/library-api.md §7), whose `holder.name` is required, and a completed case
 * otherwise keeps only the holder's identifier (the name is face data, purged under Art. 27).
 * Sending a made-up name would put a false statement into the library's grant log, so the case
 * keeps the real one — and nothing else — apart from its purged record, only while the
 * catch-up is pending:
 *
 * - kept at completion only when a material went to paper because the library was unreachable
 *   (with that reason, or with another while the case recorded the library unreachable for it;
 *   nothing else is ever re-checked);
 * - deleted as soon as the catch-up has a definite answer (flagged, clear, not checkable);
 * - deleted when the lookback has passed ({@link CATCH_UP_LOOKBACK_DAYS} days after completion),
 *   checked or not: after that the catch-up no longer asks, so the name has no purpose left.
 */
import type { PurgedCase } from './counter-case';
import type { Holder } from './library-api';

/** How long after completion a paper case from an outage is still re-checked (and its holder's name kept). */
export const CATCH_UP_LOOKBACK_DAYS = 30;

const DAY_MS = 86_400_000;

/** The holder's name as a completed case keeps it for a pending catch-up, with its deadline. */
export interface CatchUpHolder {
  /** The name as read from the 亮证码 or typed by the clerk. */
  name: string;
  /** The end of the lookback (completion + {@link CATCH_UP_LOOKBACK_DAYS} days, ISO time): deleted after it. */
  keepUntil: string;
}

/**
 * The materials of a kept case that went to paper because the library was unreachable: what the
 * catch-up re-checks. That is a material on paper with the reason `library_unreachable`, or one
 * on paper for any other reason whose pull could not reach the library at the time (the case
 * records it: `libraryUnreachable`) — the clerk may have chosen 无手机 or 老年人 for an applicant
 * the library was never asked about, and the licence may well exist.
 */
export function unreachableMaterials(record: Pick<PurgedCase, 'materials'>): PurgedCase['materials'] {
  return (record.materials ?? []).filter(
    (m) => m.record.outcome === 'paper' && (m.record.paperReason === 'library_unreachable' || m.libraryUnreachable === true),
  );
}

/** The earliest completion time a case may have and still be re-checked at `now`. */
export function catchUpLookbackStart(now: Date): string {
  return new Date(now.getTime() - CATCH_UP_LOOKBACK_DAYS * DAY_MS).toISOString();
}

/**
 * What a completed case keeps of its holder for the catch-up: the name and its deadline when a
 * material went to paper because the library was unreachable, otherwise null (nothing is kept).
 * A blank name is not kept either (the duty grant would refuse it).
 */
export function catchUpHolderToKeep(kept: Pick<PurgedCase, 'materials' | 'completedAt'>, holder: Pick<Holder, 'name'>): CatchUpHolder | null {
  const name = holder.name.trim();
  if (name.length === 0 || unreachableMaterials(kept).length === 0) return null;
  return { name, keepUntil: new Date(Date.parse(kept.completedAt) + CATCH_UP_LOOKBACK_DAYS * DAY_MS).toISOString() };
}

/** Whether a kept name has outlived its purpose at `now` (the lookback has passed). */
export function catchUpHolderExpired(holder: Pick<CatchUpHolder, 'keepUntil'>, now: Date): boolean {
  return Date.parse(holder.keepUntil) < now.getTime();
}
