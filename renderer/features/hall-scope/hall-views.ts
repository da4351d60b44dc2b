/** Small helpers the 全厅 views share. */
import { t } from '../../i18n';
import { messageOf } from '../../format';
import { hallUnreachable } from '../../stores/hall';
import { AppError } from '../../host/client';

/** The sentence a 全厅 view shows when a read failed: the hall unreachable (what to do), or why. */
export function hallFailureText(error: unknown): string {
  return hallUnreachable(error) ? t('hall.scope.unreachable') : t('hall.scope.failed', { message: messageOf(error) });
}

/** A rate as a percentage with one decimal, or a dash. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/**
 * The sentence 设置 → 大厅的工作台 shows when listing or revoking failed: what happened and what
 * to do — the hall unreachable, this workstation not (or no longer) enrolled, the hall refusing
 * the role (403), the window unknown there — else the host's own words.
 */
export function hallAdminFailureText(error: unknown, workstation = ''): string {
  const code = error instanceof AppError ? error.code : null;
  if (code === 'HALL_UNAVAILABLE') return t('hall.workstations.unreachable');
  if (code === 'HALL_NOT_ENROLLED') return t('hall.workstations.notEnrolled');
  if (code === 'FORBIDDEN') return t('hall.workstations.forbidden');
  if (code === 'HALL_REVOKED') return t('hall.workstations.selfRevoked');
  if (code === 'NOT_FOUND' && workstation) return t('hall.workstations.notFound', { ws: workstation });
  return messageOf(error);
}
