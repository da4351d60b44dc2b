import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { IdCardAuditDetails } from '../../shared/audit-chain';
import type { IdCardRead } from '../../shared/contract';
import { compareCardWithHolder, idCardProblems, idCardReadAuditDetails, type CardHolderComparison, type IdCardProblem } from '../../shared/id-card';
import { maskIdNumber } from '../../shared/ids';
import type { Holder } from '../../shared/library-api';
import { useServices } from '../app/services';
import { requireActor } from '../audit/audit-log';
import { messageOf } from '../format';
import { AppError } from '../host/client';
import { useCounterStore } from './counter';
import { useSessionStore } from './session';

/** A card read for the case on the counter, as the clerk sees it. Held in memory only. */
export interface CardOnReader {
  read: IdCardRead;
  caseNo: string;
  /** Counts the reads of this page, so that a form fills itself once per read. */
  seq: number;
  problems: IdCardProblem[];
}

/** A read that did not succeed: the host's READER_* code and the sentence the clerk reads. */
export interface ReaderFailure {
  code: string;
  message: string;
}

/**
 * The ID-card reader at the counter (Art. 22): reads the card on the reader through the host,
 * keeps it for the case on the counter, compares it with a 亮证码's holder before anything is
 * pulled, and logs each step in the audit chain with the masked number and the reader's id.
 *
 * The card — its photo above all — is face data (Art. 27): it lives in this store's memory only,
 * never in IndexedDB or the audit chain, and is dropped with the case: when another case is
 * opened, when the case is completed (its pulled data purged) or cancelled, and at sign-out.
 */
export const useIdCardStore = defineStore('idCard', () => {
  const { host, audit: auditLog, actor } = useServices();
  const counter = useCounterStore();
  const session = useSessionStore();

  const card = shallowRef<CardOnReader | null>(null);
  const failure = ref<ReaderFailure | null>(null);
  const reading = ref(false);
  /** How the card compared with the 亮证码 scanned after it (null until one was). */
  const tokenComparison = ref<CardHolderComparison | null>(null);
  let seq = 0;

  async function audit(details: IdCardAuditDetails, caseNo: string | null): Promise<void> {
    await auditLog.append(requireActor(actor), { kind: 'id_card_read', case: caseNo, details });
  }

  /** Forgets the card, its photo and any failure (the case is over, or the clerk cleared it). */
  function forget(): void {
    card.value = null;
    failure.value = null;
    tokenComparison.value = null;
  }

  // The card goes with the case, like the pulled face data: another case on the counter, the
  // case completed (purged) or given up, or nobody signed in.
  watch(
    () => [counter.opened?.caseNo ?? null, counter.phase, session.operator?.id ?? null] as const,
    ([caseNo, phase, operator]) => {
      const heldFor = card.value?.caseNo ?? null;
      if ((heldFor !== null && heldFor !== caseNo) || phase === 'completed' || phase === 'idle' || operator === null) forget();
    },
    { flush: 'sync' },
  );

  /**
   * Reads the card on the reader for the case on the counter, while its holder is being
   * established. Resolves with the card, or null when the read failed — then `failure` says why
   * and what to do, and the clerk types instead. Every attempt is logged.
   */
  async function readCard(): Promise<CardOnReader | null> {
    const caseNo = counter.opened?.caseNo;
    if (!caseNo || counter.phase !== 'holder') throw new AppError('BAD_REQUEST', 'idCardOnlyForHolder');
    if (reading.value) return null;
    reading.value = true;
    forget();
    try {
      let read: IdCardRead;
      try {
        read = await host.call('devices.readIdCard', {});
      } catch (error) {
        const code = error instanceof AppError ? error.code : 'INTERNAL';
        failure.value = { code, message: messageOf(error) };
        await audit({ action: 'read', ok: false, code }, caseNo);
        return null;
      }
      // The case was left while the reader worked: its card is not for the next one.
      if (counter.opened?.caseNo !== caseNo) return null;
      await audit(idCardReadAuditDetails(read), caseNo);
      card.value = { read, caseNo, seq: ++seq, problems: idCardProblems(read.checks) };
      return card.value;
    } finally {
      reading.value = false;
    }
  }

  /**
   * Compares the card read for this case, if any, with the holder a 亮证码 names, before the code
   * is redeemed (nothing is pulled yet). Throws CONFLICT with the clerk's sentence when they are
   * not the same person; a company's code is not compared. Without a card read it does nothing.
   */
  async function compareWithToken(holder: Holder, caseNo: string): Promise<void> {
    const entry = card.value;
    if (!entry || entry.caseNo !== caseNo) return;
    const result = compareCardWithHolder(entry.read.card, holder);
    tokenComparison.value = result;
    const cardMasked = maskIdNumber(entry.read.card.idNumber);
    const tokenMasked = maskIdNumber(holder.idNumber);
    await audit({ action: 'compare_token', result, card: cardMasked, token: tokenMasked }, caseNo);
    if (result === 'id_number_differs') {
      throw new AppError('CONFLICT', 'idCardNotHolder', { cardName: entry.read.card.name, card: cardMasked, tokenName: holder.name, token: tokenMasked });
    }
    if (result === 'name_differs') throw new AppError('CONFLICT', 'idCardNameDiffers', { cardName: entry.read.card.name, tokenName: holder.name });
  }

  /** Logs the clerk's decision to serve an applicant whose card has expired. */
  async function goOnWithExpiredCard(): Promise<void> {
    const entry = card.value;
    if (!entry) return;
    await audit({ action: 'go_on_expired', holder: maskIdNumber(entry.read.card.idNumber), validTo: entry.read.card.validTo }, entry.caseNo);
  }

  return { card, failure, reading, tokenComparison, readCard, compareWithToken, goOnWithExpiredCard, forget };
});
