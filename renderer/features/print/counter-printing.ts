import { ElMessage } from 'element-plus';
import { computed, ref, shallowRef } from 'vue';
import type { HostOutput, PrintResult } from '../../../shared/contract';
import {
  noticeDue,
  outstandingMaterials,
  receiptDocument,
  type DocumentContext,
  type NoticeChoice,
  type NoticeDocument,
  type PrintDocument,
} from '../../../shared/print-documents';
import { messageOf } from '../../format';
import { t } from '../../i18n';
import { useCounterStore } from '../../stores/counter';
import { usePrintingStore } from '../../stores/printing';
import { useSessionStore } from '../../stores/session';

// Electron's answer is the host's own sentence (why the dialog came up instead, which printer);
// a silent print that went through is a success, a fallback a warning the clerk should read.
function announce(result: PrintResult): void {
  if (result.outcome === 'browser') return;
  const type = result.outcome === 'printed' ? 'success' : result.outcome === 'dialog' && /失败|未找到/.test(result.message) ? 'warning' : 'info';
  ElMessage({ type, message: result.message, duration: type === 'warning' ? 10_000 : 4_000, customClass: 'print-outcome' });
}

function browserHint(settings: HostOutput<'print.settings'>): void {
  const printer = settings.deviceName ? t('print.browserPrinter', { name: settings.deviceName }) : t('print.browserDefaultPrinter');
  ElMessage({ type: 'info', message: t('print.browserHint', { printer, layout: t(`print.layouts.${settings.layout}`) }), duration: 6_000 });
}

/**
 * The counter page's printing: the receipt of a completed case, and the 一次性告知书 of a case
 * still missing a required material, with the clerk's choice to leave the case open or close it
 * as 补正 (shared/print-documents.ts). Each print says what became of it; each is logged.
 */
export function useCounterPrinting() {
  const counter = useCounterStore();
  const printing = usePrintingStore();
  const session = useSessionStore();

  /** The notice dialog is open. */
  const noticeOpen = ref(false);
  /** The notice issued for the case on screen (left open), or for the case just closed as 补正. */
  const issued = shallowRef<NoticeDocument | null>(null);
  const noticeBusy = ref(false);

  const typeName = (code: string) => counter.typeNames.get(code) ?? code;
  /** The case is one for a notice: a required material is missing and nothing is being pulled. */
  const due = computed(() => (counter.active && !counter.completed ? noticeDue(counter.active) : false));
  const outstanding = computed(() => (counter.active ? outstandingMaterials(counter.active, typeName) : []));

  function context(matterCode: string): DocumentContext {
    return { department: counter.matters.find((m) => m.code === matterCode)?.department ?? '', operatorName: session.operator?.name ?? '' };
  }

  async function printDocument(doc: PrintDocument): Promise<PrintResult | null> {
    try {
      const result = await printing.print(doc, { beforeBrowserDialog: browserHint });
      announce(result);
      return result;
    } catch (error) {
      ElMessage({ type: 'error', message: t('print.failed', { message: messageOf(error) }), duration: 10_000, customClass: 'print-outcome' });
      return null;
    }
  }

  /** Prints the completed case's receipt (Alt+P). */
  async function printReceipt(): Promise<void> {
    const done = counter.completed;
    if (!done || printing.busy) return;
    const result = await printDocument(receiptDocument(done.receipt, context(done.receipt.matter.code)));
    if (result) await counter.recordReceiptPrint(result);
  }

  /** Opens the notice dialog when the case is one for a notice. */
  function openNotice(): void {
    if (due.value) noticeOpen.value = true;
  }

  /**
   * Issues the notice with the clerk's choice: logged, printed, and then — when the clerk closed
   * the case as 补正 — the case is closed (also when the print failed: the clerk reprints it).
   */
  async function issueNotice(choice: NoticeChoice): Promise<void> {
    const active = counter.active;
    if (!active || noticeBusy.value) return;
    noticeBusy.value = true;
    try {
      const doc = await counter.issueNotice(choice, context(active.matter.code));
      issued.value = doc;
      noticeOpen.value = false;
      const result = await printDocument(doc);
      if (result) await counter.recordNoticePrint(doc.caseNo, result);
      if (choice === 'close_correction') await counter.closeAsCorrection();
    } catch (error) {
      ElMessage({ type: 'error', message: messageOf(error), duration: 10_000 });
    } finally {
      noticeBusy.value = false;
    }
  }

  /** Prints the issued notice again. */
  async function reprintNotice(): Promise<void> {
    const doc = issued.value;
    if (!doc || printing.busy) return;
    const result = await printDocument(doc);
    if (result) await counter.recordNoticePrint(doc.caseNo, result);
  }

  /** Forgets the notice and the laid-out document: a new case, or the page left. */
  function reset(): void {
    issued.value = null;
    noticeOpen.value = false;
    printing.clear();
  }

  return { noticeOpen, issued, noticeBusy, due, outstanding, printReceipt, openNotice, issueNotice, reprintNotice, reset, busy: computed(() => printing.busy) };
}
