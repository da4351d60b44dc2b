import { ElMessage } from 'element-plus';
import { useObjectionsStore } from '../../stores/objections';
import { useWorkstationStore } from '../../stores/workstation';
import type { t as translate } from '../../i18n';

type Translate = typeof translate;

/**
 * Tells the clerk what became of an objection just filed (or sent again): received by the
 * library, refused with its reason, waiting for the link, or still on its way — each in its own
 * words (issue 10 item 11: "saved, will be sent when online" was shown for all of them).
 */
export async function announceDelivery(id: string, t: Translate, resent = false): Promise<void> {
  const outcome = await useObjectionsStore().delivery(id);
  if (outcome.state === 'received') {
    ElMessage.success(t(resent ? 'objections.notice.resent.received' : 'objections.notice.received', { id }));
    return;
  }
  if (outcome.state === 'needs_attention') {
    ElMessage({ type: 'warning', message: t('objections.notice.refused', { id, message: outcome.message }), duration: 8000, showClose: true });
    return;
  }
  // Not sent yet: because the library cannot be reached (the rows before it went back to the
  // queue untried, or it failed itself), or only because the answer has not come yet.
  const offline = outcome.state === 'waiting' || useWorkstationStore().link?.state === 'offline';
  if (offline) ElMessage.warning(t('objections.notice.waiting', { id }));
  else ElMessage.info(t('objections.notice.sending', { id }));
}
