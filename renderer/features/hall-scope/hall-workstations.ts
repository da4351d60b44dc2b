import type { HallWorkstation } from '../../../shared/hall-api';

/** A window's standing at the hall as 设置 shows it: 正常, or 已吊销 (its requests refused). */
export type HallWorkstationState = 'active' | 'revoked';

/**
 * Why a window cannot be revoked from this workstation: `self` — this very workstation (see
 * {@link revokeRefusal}); `revoked` — it already is.
 */
export type RevokeRefusal = 'self' | 'revoked';

/** One row of 设置 → 大厅服务器 → 大厅的工作台. */
export interface HallWorkstationRow extends HallWorkstation {
  state: HallWorkstationState;
  /** This workstation (本机): the id the hall knows it by. */
  self: boolean;
  /** Why 吊销 is not offered for it, or null. */
  refusal: RevokeRefusal | null;
}

/**
 * Whether a supervisor may revoke a window from this workstation. Never this workstation
 * itself: the revocation is a request this workstation signs, and from the moment it is done
 * the hall refuses every request of it — its sync, the supervisor's 全厅 views, this very list —
 * and nothing on this workstation can undo it (only a new code from the hall's administrator).
 * A supervisor who means to retire the machine at hand does it from another window or with
 * `npm run hall -- revoke` on the hall; one click here must not cut them off the hall.
 */
export function revokeRefusal(target: Pick<HallWorkstation, 'workstationId' | 'revokedAt'>, selfId: string | null): RevokeRefusal | null {
  if (target.workstationId === selfId) return 'self';
  if (target.revokedAt !== null) return 'revoked';
  return null;
}

/**
 * The hall's windows as 设置 lists them: this workstation first, then the windows in service,
 * then the revoked ones, each group by id.
 */
export function hallWorkstationRows(list: readonly HallWorkstation[], selfId: string | null): HallWorkstationRow[] {
  const rank = (row: HallWorkstationRow) => (row.self ? 0 : row.state === 'active' ? 1 : 2);
  return list
    .map((w): HallWorkstationRow => ({
      ...w,
      state: w.revokedAt === null ? 'active' : 'revoked',
      self: w.workstationId === selfId,
      refusal: revokeRefusal(w, selfId),
    }))
    .sort((a, b) => rank(a) - rank(b) || (a.workstationId < b.workstationId ? -1 : a.workstationId > b.workstationId ? 1 : 0));
}

/** The ids of the revoked windows, for the 全厅 dashboard to mark them 已吊销. */
export function revokedWindows(list: readonly Pick<HallWorkstation, 'workstationId' | 'revokedAt'>[]): Set<string> {
  return new Set(list.filter((w) => w.revokedAt !== null).map((w) => w.workstationId));
}
