import { ElMessage } from 'element-plus';
import { useObjectionsStore } from '../../stores/objections';
import { useWorkstationStore } from '../../stores/workstation';

type Translate = (key: string, named?: Record<string, unknown>) => string;

/**
 * Tells the clerk what became of an objection just filed (or sent again): received by the
 * library, refused with its reason, waiting for the link, or still on its way — each in its own
 * words (issue 10 item 11: "saved, will be sent when online" was shown for all of them).
 */
export async function announceDelivery(id: string, t: Translate, resent = false): Promise<void> {
  const outcome = await useObjectionsStore().delivery(id);
  const prefix = resent ? 'objections.notice.resent' : 'objections.notice';
  if (outcome.state === 'received') {
    ElMessage.success(t(`${prefix}.received`, { id }));
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
