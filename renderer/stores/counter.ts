import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { AuditDetailsByKind, AuditEventKind } from '../../shared/audit-chain';
import { catchUpHolderToKeep } from '../../shared/catch-up';
import type { HostOutput, PrintResult, PulledLicence } from '../../shared/contract';
import {
  allowedPaperReasons,
  buildReceipt,
  buildUsageRecord,
  completionCheck,
  formatCaseNumber,
  workstationShortName,
  materialState,
  overrideProblem,
  purgeCase,
  usageRecordIdempotencyKey,
  type CaseLicence,
  type CaseMaterial,
  type CounterCase,
  type MaterialOverride,
  type MaterialState,
  type NoGrant,
  type OverrideProblem,
  type Receipt,
  type UsageRecord,
} from '../../shared/counter-case';
import { maskIdNumber } from '../../shared/ids';
import { noticeDocument, planNotice, type DocumentContext, type NoticeChoice, type NoticeDocument } from '../../shared/print-documents';
import type { CatalogResponse, Grant, Holder, Matter, PaperReason } from '../../shared/library-api';
import { buildMatterIndex, searchMatters, type MatterSearchHit } from '../../shared/matter-search';
import { sm3Hex } from '../../shared/sm';
import { useServices } from '../app/services';
import { isConstraintError } from '../audit/audit-log';
import type { PaperScanRow } from '../db/db';
import { AppError } from '../host/client';
import { t } from '../i18n';
import { enqueue } from '../outbox/outbox';
import { useWorkstationStore } from './workstation';

/** How one material's pull is going, for the per-material progress. */
export interface MaterialProgress {
  phase: 'waiting' | 'pulling' | 'done' | 'failed' | 'skipped';
  latencyMs: number | null;
  /** The host's error code and sentence when the pull failed. */
  errorCode: string | null;
  errorMessage: string | null;
}

/** A material's kept paper (its PDF; the Blobs stay in Dexie; the page shows the thumbnail). */
export interface PaperPageView {
  id: number;
  materialId: string;
  reason: string;
  createdAt: string;
  thumbnail: Blob;
  contentType: string;
  /** Pages in the file (1 for an image). */
  pages: number;
}

/** A material's paper as the paper dialog hands it over: one PDF of all its pages, in order. */
export interface NewPaperDocument {
  pdf: Blob;
  /** The first page's thumbnail. */
  thumbnail: Blob;
  pages: number;
  /** Pages added in the dialog this time (the others were kept before). */
  added: number;
}

/** What is kept for a material, for the paper dialog to list before the pages it adds. */
export interface KeptPaper {
  reason: PaperReason;
  files: { page: Blob; contentType: string }[];
}

/** What the clerk typed for a holder without a phone. */
export interface DutyInput {
  holder: Holder;
  /** The duty basis and reason, as one sentence for the library and the audit chain. */
  reason: string;
}

/** The outcome of a completed case, kept on screen after the purge. */
export interface CompletedCase {
  receipt: Receipt;
  record: UsageRecord;
  outboxKey: string;
  purgedLicences: number | null;
  /** The host's error when the purge failed (the case is complete; the purge can be retried). */
  purgeError: string | null;
}

/** A clerk's override as the page asks for it; the store stamps the operator and the time. */
export type OverrideInput = MaterialOverride extends infer O ? (O extends MaterialOverride ? Omit<O, 'operatorId' | 'at'> : never) : never;

/** A case opened for a matter, before the holder is known. */
export interface OpenedCase {
  caseNo: string;
  matter: Matter;
  openedAt: string;
}

// Host error codes as counter-case's pull states name them: it tells "unreachable" (paper for
// library_unreachable) from a refusal by the code.
const PULL_ERROR_CODES: Record<string, string> = { LIBRARY_UNAVAILABLE: 'UNAVAILABLE', INTERNAL: 'NETWORK' };

// The rule lives in shared/counter-case, where the supervisor's views read it too.
const shortName = workstationShortName;

// The case lives in reactive state; IndexedDB's structured clone refuses Vue's proxies, and the
// host must get plain JSON too.
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

async function blobBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * The counter transaction (docs/architecture.md §4): opens a case, reads the holder, pulls every material
 * concurrently, keeps paper scans and overrides, completes the case with its usage record in the
 * outbox and purges what was pulled. Every step goes to the audit chain. It calls the host,
 * Dexie and shared/'s rules and never touches UI (docs/architecture.md §10.8): failures are thrown as AppError
 * for the page to word.
 */
export const useCounterStore = defineStore('counter', () => {
  // The page's services: its one audit log, and its one outbox, shared with objections (one
  // drain at a time for everything queued; the usage-record sender is registered by the root,
  // so that the 待发送 screen can resend a corrected record from any page).
  const { host: client, db, audit: auditLog, actor, now, reference, outbox } = useServices();
  const workstation = useWorkstationStore();

  const matters = shallowRef<Matter[]>([]);
  const mattersVersion = ref<string | null>(null);
  const catalog = shallowRef<CatalogResponse | null>(null);
  /** The workstation's identity (its id numbers the cases; training or not). */
  const info = computed(() => workstation.info);
  const referenceLoaded = ref(false);

  const opened = ref<OpenedCase | null>(null);
  const active = ref<CounterCase | null>(null);
  const tokenInfo = ref<{ name: string; maskedIdNumber: string; expiresAt: string } | null>(null);
  const pulled = shallowRef<ReadonlyMap<string, PulledLicence>>(new Map());
  const progress = reactive<Record<string, MaterialProgress>>({});
  const paperPages = ref<PaperPageView[]>([]);
  const completed = ref<CompletedCase | null>(null);

  const matterIndex = computed(() => buildMatterIndex(matters.value));
  const typeNames = computed(() => new Map((catalog.value?.types ?? []).map((type) => [type.code, type.name])));
  const training = computed(() => info.value?.libraryMode === 'sandbox');

  const phase = computed<'idle' | 'holder' | 'materials' | 'completed'>(() => {
    if (completed.value) return 'completed';
    if (active.value) return 'materials';
    if (opened.value) return 'holder';
    return 'idle';
  });

  const states = computed<Record<string, MaterialState>>(() => {
    const out: Record<string, MaterialState> = {};
    for (const material of active.value?.materials ?? []) out[material.material.id] = materialState(material);
    return out;
  });

  const completion = computed(() => (active.value ? completionCheck(active.value) : null));
  const maskedHolderId = computed(() => (active.value ? maskIdNumber(active.value.holder.idNumber) : null));
  const pullCounts = computed(() => {
    const all = Object.values(progress);
    return { done: all.filter((p) => p.phase === 'done' || p.phase === 'failed' || p.phase === 'skipped').length, total: all.length };
  });

  async function audit<K extends AuditEventKind>(kind: K, details: AuditDetailsByKind[K], caseNo: string | null): Promise<void> {
    const who = actor();
    if (!who) throw new AppError('UNAUTHENTICATED');
    await auditLog.append(who, { kind, case: caseNo, details });
  }

  /**
   * Loads the matters, the catalog and the workstation's identity (again: training may have been
   * switched). What is queued is sent by the start-up's outbox task meanwhile: a long queue after
   * an outage does not hold the counter.
   */
  async function loadReference(): Promise<void> {
    // Offline, the usage lists and catalog come from the Dexie copy of the last online answer.
    const [m, c] = await Promise.all([reference.load('matters'), reference.load('catalog'), workstation.load()]);
    matters.value = m.body.matters;
    mattersVersion.value = m.version;
    catalog.value = c.body;
    referenceLoaded.value = true;
  }

  function search(query: string, limit = 20): MatterSearchHit<Matter>[] {
    return searchMatters(matterIndex.value, query, limit);
  }

  async function nextCaseNumber(at: Date): Promise<string> {
    const short = shortName(info.value?.workstationId ?? 'WS');
    const prefix = formatCaseNumber(short, at, 1).slice(0, -4);
    const today = await db.cases.where('caseNo').startsWith(prefix).count();
    return formatCaseNumber(short, at, today + 1);
  }

  function resetCase(): void {
    opened.value = null;
    active.value = null;
    tokenInfo.value = null;
    pulled.value = new Map();
    for (const key of Object.keys(progress)) delete progress[key];
    paperPages.value = [];
    completed.value = null;
  }

  /** Opens a case for a matter: a new case number, a Dexie row, an audit event. */
  async function openCase(matterCode: string): Promise<OpenedCase> {
    const matter = matters.value.find((m) => m.code === matterCode);
    if (!matter) throw new AppError('NOT_FOUND', 'matterNotFound');
    if (opened.value && !completed.value) await cancelCase();
    resetCase();
    const at = now();
    const openedAt = at.toISOString();
    for (let attempt = 0; ; attempt++) {
      const caseNo = await nextCaseNumber(at);
      try {
        await db.cases.add({ caseNo, status: 'open', openedAt, completedAt: null, matterCode, training: training.value, matterName: matter.name });
        opened.value = { caseNo, matter, openedAt };
        break;
      } catch (error) {
        // Another tab took the number between our count and our add.
        if (!isConstraintError(error) || attempt >= 3) throw error;
      }
    }
    await audit('case_open', { matterCode, matterName: matter.name }, opened.value.caseNo);
    return opened.value;
  }

  function requireOpened(): OpenedCase {
    if (!opened.value) throw new AppError('BAD_REQUEST', 'noCase');
    return opened.value;
  }

  function startCase(holder: Holder, grant: Grant | null, reason: string | null, noGrant: NoGrant | null = null): CounterCase {
    const { caseNo, matter, openedAt } = requireOpened();
    const who = actor()!;
    const materials: CaseMaterial[] = matter.materials.map((material) => ({
      material,
      pull: grant ? { state: 'pending' } : { state: 'skipped' },
      licences: [],
      paperScan: null,
      override: null,
    }));
    for (const material of matter.materials) {
      progress[material.id] = { phase: grant ? 'waiting' : 'skipped', latencyMs: null, errorCode: null, errorMessage: null };
    }
    active.value = {
      caseNo,
      matter: { code: matter.code, name: matter.name },
      holder,
      grant: grant ? { grantId: grant.grantId, basis: grant.basis, reason } : null,
      noGrant: grant ? null : noGrant,
      operatorId: who.operator,
      workstationId: who.workstation,
      training: training.value,
      openedAt,
      materials,
    };
    return active.value;
  }

  /**
   * Reads a 亮证码: verified offline by the host (shape, platform signature, expiry), then
   * redeemed for this case, then every material pulled. A refused code throws its AppError
   * (TOKEN_NOT_A_CODE, TOKEN_FORGED, TOKEN_EXPIRED, TOKEN_USED, …) and nothing is pulled.
   * `beforeRedeem` sees the code's holder first and may refuse them by throwing (the ID card
   * read at the counter is not theirs): the code is then not redeemed, nothing is pulled.
   */
  async function readToken(text: string, beforeRedeem?: (holder: Holder, caseNo: string) => Promise<void>): Promise<void> {
    const { caseNo, matter } = requireOpened();
    if (active.value) throw new AppError('CONFLICT', 'alreadyGranted');
    let inspected: HostOutput<'token.inspect'>;
    try {
      inspected = await client.call('token.inspect', { token: text });
    } catch (error) {
      await audit('token_read', { ok: false, code: error instanceof AppError ? error.code : 'INTERNAL' }, caseNo);
      throw error;
    }
    tokenInfo.value = { name: inspected.holder.name, maskedIdNumber: inspected.maskedIdNumber, expiresAt: inspected.expiresAt };
    await audit('token_read', { ok: true, holder: inspected.maskedIdNumber, expiresAt: inspected.expiresAt }, caseNo);
    if (beforeRedeem) await beforeRedeem(inspected.holder, caseNo);
    let grant: Grant;
    try {
      grant = await client.call('grant.redeem', { token: text, matterCode: matter.code, caseNo });
    } catch (error) {
      if (error instanceof AppError && error.code === 'LIBRARY_UNAVAILABLE') {
        await continueOffline(inspected.holder, null, 'token', caseNo);
        return;
      }
      tokenInfo.value = null;
      await audit('grant', { ok: false, basis: 'token', code: error instanceof AppError ? error.code : 'INTERNAL' }, caseNo);
      throw error;
    }
    await audit('grant', { ok: true, basis: 'token', grantId: grant.grantId, expiresAt: grant.expiresAt }, caseNo);
    startCase(grant.holder, grant, null);
    await pullAll();
  }

  /**
   * Serves a holder without a phone: a counter-duty grant for a government matter (then every
   * material is pulled), or, for a social matter, no grant at all and every material on paper.
   */
  async function serveWithoutPhone(input: DutyInput): Promise<void> {
    const { caseNo, matter } = requireOpened();
    if (active.value) throw new AppError('CONFLICT', 'alreadyGranted');
    if (matter.scenario !== 'government') {
      await audit('grant', { ok: false, basis: 'none', reason: input.reason, holder: maskIdNumber(input.holder.idNumber) }, caseNo);
      startCase(input.holder, null, input.reason, { cause: 'no_duty_basis', holderFrom: 'typed' });
      return;
    }
    let grant: Grant;
    try {
      grant = await client.call('grant.duty', { holder: input.holder, matterCode: matter.code, caseNo, reason: input.reason });
    } catch (error) {
      if (error instanceof AppError && error.code === 'LIBRARY_UNAVAILABLE') {
        await continueOffline(input.holder, input.reason, 'duty', caseNo);
        return;
      }
      await audit('grant', { ok: false, basis: 'duty', code: error instanceof AppError ? error.code : 'INTERNAL' }, caseNo);
      throw error;
    }
    await audit('grant', { ok: true, basis: 'duty', grantId: grant.grantId, reason: input.reason }, caseNo);
    startCase(grant.holder, grant, input.reason);
    await pullAll();
  }

  /**
   * The library is unreachable (docs/architecture.md §8): the case goes on without a grant and every
   * material shows the failed pull, so that its paper pages take the reason library_unreachable
   * and Art. 11's catch-up re-checks them once the link returns.
   */
  async function continueOffline(holder: Holder, reason: string | null, basis: 'token' | 'duty', caseNo: string): Promise<void> {
    await audit('grant', { ok: false, basis, code: 'LIBRARY_UNAVAILABLE', holder: maskIdNumber(holder.idNumber) }, caseNo);
    const counterCase = startCase(holder, null, reason, { cause: 'library_unreachable', holderFrom: basis === 'token' ? 'token' : 'typed' });
    for (const material of counterCase.materials) {
      material.pull = { state: 'failed', errorCode: PULL_ERROR_CODES.LIBRARY_UNAVAILABLE! };
      Object.assign(progress[material.material.id]!, {
        phase: 'failed',
        errorCode: 'LIBRARY_UNAVAILABLE',
        errorMessage: t('errors.codes.LIBRARY_UNAVAILABLE'),
      });
    }
  }

  function purposeOf(counterCase: CounterCase): string {
    return t('counter.pullPurpose', { matter: counterCase.matter.name }).slice(0, 200);
  }

  async function pullOne(materialId: string): Promise<void> {
    const counterCase = active.value;
    const material = counterCase?.materials.find((m) => m.material.id === materialId);
    if (!counterCase || !material || !counterCase.grant) return;
    const entry = progress[materialId]!;
    entry.phase = 'pulling';
    entry.errorCode = null;
    entry.errorMessage = null;
    material.pull = { state: 'pending' };
    material.licences = [];
    try {
      const answer = await client.call('material.pull', {
        grantId: counterCase.grant.grantId,
        matterCode: counterCase.matter.code,
        caseNo: counterCase.caseNo,
        materialId,
        purpose: purposeOf(counterCase),
      });
      const held = new Map(pulled.value);
      material.licences = answer.licences.map((licence): CaseLicence => {
        held.set(licence.summary.id, licence);
        return {
          summary: licence.summary,
          report: licence.report,
          faceFields: licence.fields.map((field) => ({ key: field.key, value: field.value })),
          file: { contentType: licence.file.contentType, size: licence.file.size, hash: licence.file.hash, blobKey: null },
        };
      });
      pulled.value = held;
      material.pull = { state: 'done', latencyMs: answer.latencyMs };
      entry.phase = 'done';
      entry.latencyMs = answer.latencyMs;
      await audit('pull', { materialId, licences: answer.licences.map((l) => l.summary.id), latencyMs: answer.latencyMs }, counterCase.caseNo);
      for (const licence of answer.licences) {
        await audit(
          'verification',
          {
            materialId,
            licenceId: licence.summary.id,
            outcome: licence.report.outcome,
            failed: licence.report.checks.filter((c) => c.result === 'fail').map((c) => c.check),
            fileHash: licence.file.hash,
          },
          counterCase.caseNo,
        );
      }
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'INTERNAL';
      material.pull = { state: 'failed', errorCode: PULL_ERROR_CODES[code] ?? code };
      entry.phase = 'failed';
      entry.errorCode = code;
      entry.errorMessage = error instanceof Error ? error.message : String(error);
      await audit('pull', { materialId, ok: false, code }, counterCase.caseNo);
    }
  }

  /** Pulls every material of the usage list at once; each reports its own progress. */
  async function pullAll(): Promise<void> {
    const counterCase = active.value;
    if (!counterCase?.grant) return;
    await Promise.allSettled(counterCase.materials.map((m) => pullOne(m.material.id)));
  }

  /** Pulls one material again (after a failure). */
  async function retryPull(materialId: string): Promise<void> {
    await pullOne(materialId);
  }

  function caseMaterial(materialId: string): CaseMaterial {
    const material = active.value?.materials.find((m) => m.material.id === materialId);
    if (!material) throw new AppError('NOT_FOUND', 'materialNotInCase');
    return material;
  }

  async function refreshPaperScan(materialId: string): Promise<void> {
    const counterCase = active.value!;
    const material = caseMaterial(materialId);
    const rows = await db.paperScans
      .where('caseNo')
      .equals(counterCase.caseNo)
      .and((row) => row.materialId === materialId)
      .sortBy('createdAt');
    if (rows.length === 0) {
      material.paperScan = null;
    } else {
      const hashes = await Promise.all(rows.map(async (row) => row.hash ?? sm3Hex(await blobBytes(row.page))));
      const last = rows.at(-1)!;
      material.paperScan = {
        paperReason: last.reason as PaperReason,
        scannedAt: last.createdAt,
        pages: rows.reduce((sum, row) => sum + (row.pages ?? 1), 0),
        hash: rows.length === 1 ? hashes[0]! : sm3Hex(hashes.join('')),
        blobKey: `paperScans:${counterCase.caseNo}:${materialId}`,
      };
    }
    paperPages.value = [
      ...paperPages.value.filter((p) => p.materialId !== materialId),
      ...rows.map((row) => ({
        id: row.id!,
        materialId,
        reason: row.reason,
        createdAt: row.createdAt,
        thumbnail: row.thumbnail,
        contentType: row.page.type,
        pages: row.pages ?? 1,
      })),
    ];
  }

  /** The files kept for a material (one PDF; several files in a case opened before they were one), in order; null when none. */
  async function keptPaper(materialId: string): Promise<KeptPaper | null> {
    const counterCase = active.value;
    if (!counterCase) return null;
    const rows = await db.paperScans
      .where('caseNo')
      .equals(counterCase.caseNo)
      .and((row) => row.materialId === materialId)
      .sortBy('createdAt');
    if (rows.length === 0) return null;
    return { reason: rows.at(-1)!.reason as PaperReason, files: rows.map((row) => ({ page: row.page, contentType: row.page.type })) };
  }

  /**
   * Keeps a material's paper (Art. 22) in Dexie as one PDF with its reason: it replaces what was
   * kept for the material before (the dialog listed those pages with the new ones), in one
   * transaction, so that the case holds exactly one document per material.
   */
  async function savePaper(materialId: string, reason: PaperReason, paper: NewPaperDocument): Promise<void> {
    const counterCase = active.value;
    if (!counterCase) throw new AppError('BAD_REQUEST', 'noHolder');
    const state = materialState(caseMaterial(materialId));
    if (paper.pages < 1) throw new AppError('BAD_REQUEST', 'noPaperPages');
    // The reason goes to the library's usage record: it must be true of this material (e.g.
    // "not in library" only when the library had none).
    if (state.state !== 'paper_scanned' && !allowedPaperReasons(state).includes(reason)) {
      throw new AppError('BAD_REQUEST', 'paperReasonNotAllowed');
    }
    const createdAt = now().toISOString();
    // Hashed once, here; the case's scan hash reuses the stored one.
    const hash = sm3Hex(await blobBytes(paper.pdf));
    const row: PaperScanRow = {
      caseNo: counterCase.caseNo,
      materialId,
      createdAt,
      reason,
      page: paper.pdf,
      thumbnail: paper.thumbnail,
      hash,
      pages: paper.pages,
    };
    await db.transaction('rw', db.paperScans, async () => {
      await db.paperScans
        .where('caseNo')
        .equals(counterCase.caseNo)
        .and((r) => r.materialId === materialId)
        .delete();
      await db.paperScans.add(row);
    });
    await refreshPaperScan(materialId);
    const scan = caseMaterial(materialId).paperScan!;
    await audit('paper_scan', { materialId, reason, pages: scan.pages, added: paper.added, hash: scan.hash }, counterCase.caseNo);
  }

  /** Removes a material's kept paper (its PDF); the material's scan is recomputed. */
  async function removePaperPage(id: number): Promise<void> {
    const page = paperPages.value.find((p) => p.id === id);
    const counterCase = active.value;
    if (!page || !counterCase) return;
    await db.paperScans.delete(id);
    await refreshPaperScan(page.materialId);
    await audit('paper_scan', { materialId: page.materialId, removedPage: id, pages: caseMaterial(page.materialId).paperScan?.pages ?? 0 }, counterCase.caseNo);
  }

  /** Records a clerk's override with its reason; returns why it was refused, or null. */
  async function applyOverride(materialId: string, override: OverrideInput): Promise<OverrideProblem | null> {
    const counterCase = active.value;
    if (!counterCase) return 'not_applicable';
    const material = caseMaterial(materialId);
    const full: MaterialOverride = { ...override, operatorId: counterCase.operatorId, at: now().toISOString() };
    const problem = overrideProblem(material, full);
    if (problem) return problem;
    material.override = full;
    await audit('override', { materialId, ...override }, counterCase.caseNo);
    return null;
  }

  /** Withdraws a clerk's override (recorded as well). */
  async function clearOverride(materialId: string): Promise<void> {
    const counterCase = active.value;
    if (!counterCase) return;
    const material = caseMaterial(materialId);
    if (!material.override) return;
    material.override = null;
    await audit('override', { materialId, kind: 'withdrawn' }, counterCase.caseNo);
  }

  /** A licence's PDF from the host (while the case holds it); the view is audited. */
  async function licenceFile(licenceId: string): Promise<Uint8Array> {
    const counterCase = active.value;
    if (!counterCase) throw new AppError('NOT_FOUND', 'licenceFileGone');
    const answer = await client.call('licence.file', { caseNo: counterCase.caseNo, licenceId });
    await audit('view', { licenceId }, counterCase.caseNo);
    const binary = atob(answer.dataBase64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /** The pulled licence (face fields with their marks) while the case holds it. */
  function pulledLicence(licenceId: string): PulledLicence | null {
    return pulled.value.get(licenceId) ?? null;
  }

  async function purgeHost(caseNo: string): Promise<number> {
    const answer = await client.call('case.purge', { caseNo });
    pulled.value = new Map();
    return answer.purgedLicences;
  }

  /**
   * Completes the case: the case row (identifiers, outcomes, hashes only) and its usage record
   * are written in one Dexie transaction, so the record is queued exactly when the case is
   * complete; then the record is sent (or left queued while the library is unreachable), and
   * the pulled files and face data are purged from the host and from memory (Art. 27).
   */
  async function complete(): Promise<CompletedCase> {
    if (!active.value) throw new AppError('BAD_REQUEST', 'noHolder');
    const counterCase = plain(active.value);
    const check = completionCheck(counterCase);
    if (!check.ok) throw new AppError('BAD_REQUEST', 'materialsMissing', { names: check.blocking.map((b) => b.name).join('、') });
    const completedAt = now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const record = buildUsageRecord(counterCase, completedAt);
    const receipt = buildReceipt(counterCase, record);
    const outboxKey = usageRecordIdempotencyKey(counterCase.caseNo, counterCase.openedAt);
    const { kept } = purgeCase(counterCase, completedAt, completedAt);
    // The purged record has no name; a case whose paper the catch-up will re-check keeps it
    // apart, only until the catch-up answers (shared/catch-up.ts).
    const catchUpHolder = catchUpHolderToKeep(kept, counterCase.holder);
    await db.transaction('rw', db.cases, db.outbox, async () => {
      await db.cases.put({
        caseNo: counterCase.caseNo,
        status: 'completed',
        openedAt: counterCase.openedAt,
        completedAt,
        matterCode: counterCase.matter.code,
        training: counterCase.training,
        kept,
        ...(catchUpHolder ? { catchUpHolder } : {}),
      });
      await enqueue(db, { key: outboxKey, kind: 'usage_record', payload: record, createdAt: completedAt });
    });
    completed.value = { receipt, record, outboxKey, purgedLicences: null, purgeError: null };
    await audit(
      'completion',
      { materials: record.materials.map((m) => ({ materialId: m.materialId, outcome: m.outcome, licenceId: m.licenceId, paperReason: m.paperReason })) },
      counterCase.caseNo,
    );
    await audit('usage_record', { state: 'queued', key: outboxKey }, counterCase.caseNo);
    void outbox.flush();
    await purge();
    return completed.value;
  }

  /** Purges the completed case's pulled data from the host and from memory (retryable). */
  async function purge(): Promise<void> {
    const done = completed.value;
    const counterCase = active.value;
    if (!done || !counterCase) return;
    try {
      done.purgedLicences = await purgeHost(counterCase.caseNo);
      done.purgeError = null;
    } catch (error) {
      done.purgeError = error instanceof Error ? error.message : String(error);
      return;
    }
    for (const material of counterCase.materials) {
      for (const licence of material.licences) licence.faceFields = [];
    }
    await audit('purge', { purgedLicences: done.purgedLicences }, counterCase.caseNo);
  }

  // Ends an open case without completing it: the host forgets what it pulled and the paper pages
  // are deleted; given up by the clerk (`cancelled`) or closed as 补正 with a notice (`correction`).
  async function endOpenCase(status: 'cancelled' | 'correction'): Promise<void> {
    const current = opened.value;
    if (!current || completed.value) {
      resetCase();
      return;
    }
    let purgedLicences = 0;
    if (active.value) purgedLicences = await purgeHost(current.caseNo);
    await db.transaction('rw', db.cases, db.paperScans, async () => {
      await db.paperScans.where('caseNo').equals(current.caseNo).delete();
      await db.cases.update(current.caseNo, { status });
    });
    if (status === 'cancelled') await audit('case_cancel', { matterCode: current.matter.code }, current.caseNo);
    await audit(
      'purge',
      status === 'cancelled' ? { purgedLicences, paperDeleted: true } : { purgedLicences, paperDeleted: true, reason: 'correction' },
      current.caseNo,
    );
    resetCase();
  }

  /** Gives up the open case: the host forgets what it pulled and the paper pages are deleted. */
  async function cancelCase(): Promise<void> {
    await endOpenCase('cancelled');
  }

  /**
   * Issues the 一次性告知书 of the case (shared/print-documents.ts planNotice): every required
   * material still missing and why, and the clerk's choice, on the record. Answers the document
   * to print; the case stays as it is until {@link closeAsCorrection} (when the clerk closed it
   * as 补正). Refused while a pull runs and when nothing required is missing.
   */
  async function issueNotice(choice: NoticeChoice, context: DocumentContext): Promise<NoticeDocument> {
    if (!active.value) throw new AppError('BAD_REQUEST', 'noHolder');
    const counterCase = plain(active.value);
    const planned = planNotice(counterCase, choice, (code) => typeNames.value.get(code) ?? code);
    if (!planned.ok) throw new AppError('BAD_REQUEST', planned.problem === 'pulls_pending' ? 'noticePullsPending' : 'noticeNothingMissing');
    const doc = noticeDocument(counterCase, planned.plan, now().toISOString(), context);
    await audit(
      'notice',
      { choice, materials: planned.plan.outstanding.map((m) => ({ materialId: m.materialId, noticeReason: m.reason, outcome: m.outcome })) },
      counterCase.caseNo,
    );
    return doc;
  }

  /** Closes the open case as 补正 after its notice: not completed, no usage record, pulled data and paper pages removed. */
  async function closeAsCorrection(): Promise<void> {
    await endOpenCase('correction');
  }

  /** Records that the receipt was printed, in which layout and with what outcome. */
  async function recordReceiptPrint(result?: Pick<PrintResult, 'layout' | 'outcome'>): Promise<void> {
    const done = completed.value;
    if (!done) return;
    const caseNo = done.receipt.caseNo;
    await audit('receipt_print', result ? { caseNo, layout: result.layout, printOutcome: result.outcome } : { caseNo }, caseNo);
  }

  /** Records that a case's 一次性告知书 was printed (the case may be closed by then). */
  async function recordNoticePrint(caseNo: string, result: Pick<PrintResult, 'layout' | 'outcome'>): Promise<void> {
    await audit('notice_print', { caseNo, layout: result.layout, printOutcome: result.outcome }, caseNo);
  }

  /** Starts over for the next applicant (after completion). */
  function nextCase(): void {
    resetCase();
  }

  return {
    matters,
    mattersVersion,
    catalog,
    info,
    referenceLoaded,
    opened,
    active,
    tokenInfo,
    progress,
    paperPages,
    completed,
    typeNames,
    training,
    phase,
    states,
    completion,
    maskedHolderId,
    pullCounts,
    loadReference,
    search,
    openCase,
    readToken,
    serveWithoutPhone,
    pullAll,
    retryPull,
    savePaper,
    keptPaper,
    removePaperPage,
    applyOverride,
    clearOverride,
    licenceFile,
    pulledLicence,
    complete,
    purge,
    cancelCase,
    issueNotice,
    closeAsCorrection,
    recordReceiptPrint,
    recordNoticePrint,
    nextCase,
  };
});
