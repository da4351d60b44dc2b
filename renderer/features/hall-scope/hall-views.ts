/** Small helpers the 全厅 views share. */
import { t } from '../../i18n';
import { messageOf } from '../../format';
import { hallUnreachable } from '../../stores/hall';

/** The sentence a 全厅 view shows when a read failed: the hall unreachable (what to do), or why. */
export function hallFailureText(error: unknown): string {
  return hallUnreachable(error) ? t('hall.scope.unreachable') : t('hall.scope.failed', { message: messageOf(error) });
}

/** A rate as a percentage with one decimal, or a dash. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}
