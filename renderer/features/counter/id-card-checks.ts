import { cardValidPeriodText, type IdCard, type IdCardChecks } from '../../../shared/id-card';
import { t } from '../../i18n';

/**
 * What the clerk reads about a card's checks (shared/id-card.ts checkIdCard, as the host's
 * `devices.readIdCard` returns them), worst first: each a plain sentence that says what is
 * wrong and what to do. Empty when every check passed. An expired card is said plainly; the
 * clerk decides whether to go on (Art. 22).
 */
export function idCardCheckMessages(card: Pick<IdCard, 'validFrom' | 'validTo'>, checks: IdCardChecks): string[] {
  const messages: string[] = [];
  if (checks.idNumber !== null) messages.push(t(`idCard.idNumber.${checks.idNumber}`));
  if (!checks.birthDateMatches) messages.push(t('idCard.birthDateMismatch'));
  if (!checks.sexMatches) messages.push(t('idCard.sexMismatch'));
  if (checks.validity === 'expired') messages.push(t('idCard.expired', { period: cardValidPeriodText(card) }));
  else if (checks.validity === 'not_yet_valid') messages.push(t('idCard.notYetValid', { period: cardValidPeriodText(card) }));
  return messages;
}
