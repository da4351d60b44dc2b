import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { IdCardAuditDetails } from '../../shared/audit-chain';
import type { IdCardRead } from '../../shared/contract';
import { compareCardWithHolder, idCardProblems, idCardReadAuditDetails, type CardHolderComparison, type IdCardProblem } from '../../shared/id-card';
import { maskIdNumber } from '../../shared/ids';
import type { Holder } from '../../shared/library-api';
import { createAuditLog, type AuditActor, type AuditLog } from '../audit/audit-log';
import { workstationDb } from '../db/db';
import { messageOf } from '../format';
import { AppError, hostClient, type HostClient } from '../host/client';
import { useCounterStore } from './counter';
import { useSessionStore } from './session';

/** What the ID-card store works with; a test supplies fakes through `configure`. */
export interface IdCardDeps {
  client: HostClient;
  audit: AuditLog;
}

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
  let deps: IdCardDeps | null = null;
  const counter = useCounterStore();
  const session = useSessionStore();

  const card = shallowRef<CardOnReader | null>(null);
  const failure = ref<ReaderFailure | null>(null);
  const reading = ref(false);
  /** How the card compared with the 亮证码 scanned after it (null until one was). */
  const tokenComparison = ref<CardHolderComparison | null>(null);
  let seq = 0;

  function d(): IdCardDeps {
    deps ??= { client: hostClient(), audit: createAuditLog(workstationDb()) };
    return deps;
  }

  /** Supplies the host client and audit log (tests). */
  function configure(custom: IdCardDeps): void {
    deps = custom;
  }

  const actor = computed<AuditActor | null>(() => {
    const operator = session.operator;
    if (!operator || !counter.info) return null;
    return { operator: operator.id, role: operator.role, workstation: counter.info.workstationId };
  });

  async function audit(details: IdCardAuditDetails, caseNo: string | null): Promise<void> {
    const who = actor.value;
    if (!who) throw new AppError('UNAUTHENTICATED');
    await d().audit.append(who, { kind: 'id_card_read', case: caseNo, details });
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
        read = await d().client.call('devices.readIdCard', {});
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

  return { card, failure, reading, tokenComparison, configure, readCard, compareWithToken, goOnWithExpiredCard, forget };
});
