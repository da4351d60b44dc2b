import type { ReceiptLine } from '../../../shared/counter-case';
import type { DocumentHead, OutstandingMaterial, PrintDocument } from '../../../shared/print-documents';
import { t } from '../../i18n';

/**
 * The words of a printed document, the same in every layout (each layout only arranges them):
 * from the catalogue, as the on-screen receipt says them.
 */
export const printText = {
  title: (doc: PrintDocument): string => (doc.kind === 'receipt' ? t('print.receiptTitle') : t('print.noticeTitle')),
  idLabel: (doc: DocumentHead): string => t(`receipt.idLabels.${doc.holder.idType}`),
  basis: (doc: DocumentHead): string => t(`counter.holder.bases.${doc.basis}`),
  operator: (doc: DocumentHead): string => (doc.operator.name ? `${doc.operator.name}（${doc.operator.id}）` : doc.operator.id),
  timeLabel: (doc: PrintDocument): string => (doc.kind === 'receipt' ? t('receipt.completedAt') : t('print.issuedAt')),
  lineOutcome: (line: ReceiptLine): string => t(`receipt.outcomes.${line.outcome}`),
  lineDetail: (line: ReceiptLine): string => {
    if (line.outcome === 'exempt' && line.licenceId) return t('receipt.licenceId', { id: line.licenceId });
    if (line.outcome === 'paper' && line.paperReason) return t('receipt.paperReason', { reason: t(`paperReasons.${line.paperReason}`) });
    return '—';
  },
  /** Why the applicant must still bring a material, in a sentence they can act on. */
  reason: (material: OutstandingMaterial): string =>
    t(`print.reasons.${material.reason}`, { outcome: material.outcome ? t(`outcomes.${material.outcome}`) : '' }),
  /** Which licences satisfy it. */
  bring: (material: OutstandingMaterial): string => t('print.bring', { types: material.licenceTypes.join('、') }),
};
