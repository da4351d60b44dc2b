import type { ObjectionDimension, ObjectionReceipt, ObjectionRequest, ObjectionResult, ObjectionStatus, Organisation } from '../../../shared/library-api';
import { AppError, type HostClient } from '../../host/client';
import { requireActor, type AuditActor, type AuditLog } from '../../audit/audit-log';
import type { KeptObjectionRequest, ObjectionRecord, ObjectionRow, OutboxRow, UnsentOutboxRow, WorkstationDb } from '../../db/db';
import type { ObjectionBatchResult } from '../../../shared/contract';
import { RETRYABLE_DELIVERY_CODES } from '../../../shared/errors';
import { DeliveryError, enqueue, type BatchDelivery, type Delivered, type DeliveryWrite, type Outbox, type UnsentRowOf } from '../../outbox/outbox';
import { deliveryErrorOf } from '../../outbox/workstation-outbox';

/** What the list shows for an objection: its own life on the workstation, then the issuer's. */
export type ObjectionDisplayState = 'draft' | 'queued' | 'sending' | 'needs_attention' | ObjectionStatus;

/** An evidence page as the form holds it; `data` is base64 (the library's wire form). */
export interface EvidenceDraft {
  name: string;
  contentType: string;
  data: string;
}

/** What a clerk or objection officer fills in. */
export interface ObjectionDraft {
  licenceId: string;
  dimension: ObjectionDimension;
  fields: ObjectionRequest['fields'];
  description: string;
  holder?: ObjectionRequest['holder'];
  evidence: EvidenceDraft[];
}

/** The shapes the app writes (the benchmark seeds rows exactly like these). */
export function objectionRows(request: ObjectionRequest, createdAt: string): { objection: ObjectionRow; outbox: UnsentOutboxRow } {
  return {
    objection: objectionRow(request, 'queued', createdAt),
    outbox: { key: request.id, kind: 'objection', state: 'queued', createdAt, attempts: 0, lastError: null, payload: request },
  };
}

/**
 * An objection's own row, without the issuer's answer yet. Queued, its evidence is kept as name,
 * type and size (the outbox row holds the pages until they are sent); a draft has no outbox row,
 * so it keeps the pages themselves.
 */
function objectionRow(request: ObjectionRequest, state: 'queued' | 'draft', updatedAt: string): ObjectionRow {
  const evidence = request.evidence.map((e) => ({
    name: e.name,
    contentType: e.contentType,
    ...(state === 'draft' ? { data: e.data } : {}),
    size: base64Size(e.data),
  }));
  const record: ObjectionRecord = { request: { ...request, evidence }, issuer: null, receivedAt: null, result: null };
  return { id: request.id, state, licenceId: request.licenceId, filedAt: request.filedAt, updatedAt, record };
}

/** Decoded size of base64 text. */
export function base64Size(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** The state to show: the outbox row's while it is not delivered, else the issuer's. */
export function displayState(row: Pick<ObjectionRow, 'state'>, outboxRow: Pick<OutboxRow, 'state'> | undefined): ObjectionDisplayState {
  if (row.state === 'draft') return 'draft';
  if (outboxRow && outboxRow.state !== 'delivered') return outboxRow.state;
  return row.state;
}

/** An objection as the list shows it: what was contested, and how its delivery and the issuer's answer stand. */
export interface ListedObjection {
  id: string;
  licenceId: string;
  dimension: ObjectionDimension;
  fieldKeys: string[];
  state: ObjectionDisplayState;
  filedAt: string;
  lastError: string | null;
  issuer: Organisation | null;
  result: ObjectionResult | null;
}

/** A page of the objections, newest filed first, with how many there are; one read of the outbox for their delivery. */
export async function objectionPage(db: WorkstationDb, offset: number, limit: number): Promise<{ count: number; list: ListedObjection[] }> {
  const [count, objections] = await Promise.all([db.objections.count(), db.objections.orderBy('filedAt').reverse().offset(offset).limit(limit).toArray()]);
  const queued = await db.outbox
    .where('key')
    .anyOf(objections.map((o) => o.id))
    .toArray();
  const byKey = new Map(queued.map((row) => [row.key, row]));
  return {
    count,
    list: objections.map((row): ListedObjection => {
      const record = row.record;
      const outboxRow = byKey.get(row.id);
      return {
        id: row.id,
        licenceId: row.licenceId,
        dimension: record.request.dimension,
        fieldKeys: record.request.fields.map((f) => f.key),
        state: displayState(row, outboxRow),
        filedAt: row.filedAt,
        lastError: outboxRow?.lastError ?? null,
        issuer: record.issuer,
        result: record.result,
      };
    }),
  };
}

/**
 * What became of an objection just filed or sent again, as the clerk is told at once:
 * `received` — the library has it (its status is the issuer's); `needs_attention` — the library
 * refused it (`message` says why); `waiting` — the library could not be reached and it waits in
 * the outbox; `sending` — no answer yet within the wait.
 */
export type ObjectionDelivery =
  { state: 'received'; status: string } | { state: 'needs_attention'; message: string } | { state: 'waiting'; message: string | null } | { state: 'sending' };

/** Library statuses that may still change (polled until decided). */
const OPEN_STATUSES: readonly string[] = ['received', 'processing'];
const POLL_CHUNK = 100;

/** Seconds-precision ISO time, as the library writes it. */
function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What the objection service works with; tests supply fakes. */
export interface ObjectionDeps {
  db: WorkstationDb;
  client: HostClient;
  audit: AuditLog;
  actor: () => AuditActor | null;
  outbox: () => Outbox;
  now?: () => Date;
  newId?: () => string;
}

/**
 * Objections (Art. 23): filed into the outbox in the same Dexie transaction as the objection
 * row, with the client's id as idempotency key; sent by the outbox; followed by polling the
 * library for the issuer's answer.
 */
export function createObjectionService(deps: ObjectionDeps) {
  const { db, client, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `OBJ-${crypto.randomUUID()}`);

  const actorOrFail = (): AuditActor => requireActor(deps.actor);
  // The first send of each objection filed in this page, so that its outcome can be told.
  const firstSends = new Map<string, Promise<unknown>>();

  function requestOf(id: string, given: ObjectionDraft, actor: AuditActor, filedAt: string): ObjectionRequest {
    // A form hands in reactive proxies, which IndexedDB cannot clone; the request is plain JSON.
    const draft = JSON.parse(JSON.stringify(given)) as ObjectionDraft;
    const request: ObjectionRequest = {
      id,
      licenceId: draft.licenceId,
      dimension: draft.dimension,
      fields: draft.fields,
      description: draft.description.trim(),
      filedBy: { operatorId: actor.operator, role: actor.role as ObjectionRequest['filedBy']['role'] },
      filedAt,
      evidence: draft.evidence.map(({ name, contentType, data }) => ({ name, contentType, data })),
    };
    if (draft.holder) request.holder = draft.holder;
    return request;
  }

  /** Files an objection: the row and its outbox item in one transaction; then it is sent. */
  async function file(draft: ObjectionDraft, draftId?: string): Promise<string> {
    const actor = actorOrFail();
    const at = now();
    const id = draftId ?? newId();
    const request = requestOf(id, draft, actor, isoSeconds(at));
    const rows = objectionRows(request, at.toISOString());
    await db.transaction('rw', db.objections, db.outbox, async () => {
      await db.objections.put(rows.objection);
      await enqueue(db, { key: id, kind: 'objection', payload: request, createdAt: rows.outbox.createdAt });
    });
    await audit.append(actor, {
      kind: 'objection',
      case: null,
      details: {
        id,
        licenceId: request.licenceId,
        dimension: request.dimension,
        fields: request.fields.map((f) => f.key),
        evidence: request.evidence.length,
        state: 'queued',
      },
    });
    firstSends.set(
      id,
      deps
        .outbox()
        .flush()
        .catch(() => undefined),
    );
    return id;
  }

  /**
   * Waits (at most `waitMs`) for the first send of an objection filed here, then says what
   * became of it: the toast after 提交 must tell the clerk whether the library has it, refused
   * it, or could not be reached — not the same sentence for all three.
   */
  async function delivery(id: string, waitMs = 8_000): Promise<ObjectionDelivery> {
    const sending = firstSends.get(id) ?? Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([sending, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    firstSends.delete(id);
    const [row, queued] = await Promise.all([db.objections.get(id), db.outbox.where('key').equals(id).first()]);
    if (queued?.state === 'needs_attention') return { state: 'needs_attention', message: queued.lastError ?? '' };
    if (row && row.state !== 'queued' && row.state !== 'draft' && (!queued || queued.state === 'delivered')) return { state: 'received', status: row.state };
    if (queued?.state === 'queued' && queued.lastError !== null) return { state: 'waiting', message: queued.lastError };
    return { state: 'sending' };
  }

  /** Keeps a draft on the workstation (nothing queued). */
  async function saveDraft(draft: ObjectionDraft, draftId?: string): Promise<string> {
    const actor = actorOrFail();
    const at = now();
    const id = draftId ?? newId();
    await db.objections.put(objectionRow(requestOf(id, draft, actor, isoSeconds(at)), 'draft', at.toISOString()));
    return id;
  }

  /** The draft form of an objection: a draft's own, or a queued one's from its outbox row. */
  async function draftOf(id: string): Promise<ObjectionDraft | null> {
    const row = await db.objections.get(id);
    if (!row) return null;
    const queued = await db.outbox.where('key').equals(id).first();
    // A delivered row keeps only the objection's id (its payload is purged): the form comes from the objection's own record then.
    const pending = queued?.kind === 'objection' && queued.state !== 'delivered' ? queued.payload : undefined;
    const source: ObjectionRequest | KeptObjectionRequest = pending ?? row.record.request;
    return {
      licenceId: source.licenceId,
      dimension: source.dimension,
      fields: source.fields,
      description: source.description,
      holder: source.holder,
      evidence: source.evidence.map(({ name, contentType, data }) => ({ name, contentType, data: data ?? '' })),
    };
  }

  /**
   * Sends again an objection the library refused, after it was edited: the new request replaces
   * the outbox payload and the row in one transaction, with the same id (the library never
   * stored a refused request, so the key is still free).
   */
  async function resend(id: string, draft: ObjectionDraft): Promise<void> {
    const actor = actorOrFail();
    const queued = await db.outbox.where('key').equals(id).first();
    if (queued?.kind !== 'objection' || queued.state !== 'needs_attention') throw new AppError('CONFLICT', 'objectionNotNeedingAttention');
    const previous = queued.payload;
    const request = { ...requestOf(id, draft, actor, previous.filedAt), filedBy: previous.filedBy };
    const rows = objectionRows(request, queued.createdAt);
    await db.transaction('rw', db.objections, db.outbox, async () => {
      const current = await db.outbox.get(queued.id!);
      if (current?.state !== 'needs_attention') throw new AppError('CONFLICT', 'objectionNotNeedingAttention');
      await db.objections.put({ ...rows.objection, updatedAt: now().toISOString() });
      await db.outbox.update(queued.id!, { payload: request, state: 'queued', lastError: null });
    });
    await audit.append(actor, {
      kind: 'objection',
      case: null,
      details: { id, licenceId: request.licenceId, state: 'resent', evidence: request.evidence.length },
    });
    const sent = deps.outbox().flush({ now: true });
    firstSends.set(
      id,
      sent.catch(() => undefined),
    );
    await sent;
  }

  /**
   * The outbox's sender for objections. The receipt goes onto the objection row in the outbox's
   * own transaction (the outbox must list `objections` among its record tables), so the row
   * says "received" exactly when the outbox says delivered; the receipt is also the answer the
   * delivered outbox row keeps.
   */
  async function send(row: UnsentRowOf<'objection'>): Promise<Delivered> {
    const objection = row.payload;
    let receipt: ObjectionReceipt;
    try {
      receipt = await client.call('objection.submit', { objection });
    } catch (error) {
      throw deliveryErrorOf(error);
    }
    return { answer: receipt, write: receiptWrite(objection.id, receipt) };
  }

  /** The outbox's batch sender for objections: several in one host call, each answered as `send` would. */
  async function sendMany(rows: UnsentRowOf<'objection'>[]): Promise<BatchDelivery[]> {
    const objections = rows.map((row) => row.payload);
    let results: ObjectionBatchResult[];
    try {
      ({ results } = await client.call('objections.submitMany', { objections }));
    } catch (error) {
      throw deliveryErrorOf(error);
    }
    return results.map((result, k): BatchDelivery => {
      if (result.status === 'untried') return { untried: true };
      if (result.status === 'failed') return { sent: false, error: new DeliveryError(result.message, RETRYABLE_DELIVERY_CODES.has(result.code)) };
      return { sent: true, answer: result.receipt, write: receiptWrite(objections[k]!.id, result.receipt) };
    });
  }

  /** Puts the library's receipt onto the objection row (run in the outbox's settle transaction). */
  function receiptWrite(id: string, receipt: ObjectionReceipt): DeliveryWrite {
    return async () => {
      await db.objections
        .where('id')
        .equals(id)
        .modify((stored) => {
          if (stored.state === 'queued') {
            stored.state = receipt.status;
            stored.updatedAt = receipt.receivedAt;
          }
          stored.record = { ...stored.record, issuer: receipt.issuer, receivedAt: receipt.receivedAt };
        });
    };
  }

  /**
   * Asks the library about every objection not yet decided; records the changed ones (one read
   * and one write per hundred, so that polling does not hold up a drain) and audits each answer.
   */
  async function poll(): Promise<number> {
    const open = await db.objections.where('state').anyOf(OPEN_STATUSES).primaryKeys();
    let changed = 0;
    for (let i = 0; i < open.length; i += POLL_CHUNK) {
      const ids = open.slice(i, i + POLL_CHUNK);
      const { objections } = await client.call('objections.poll', { ids });
      const stored = new Map((await db.objections.bulkGet(objections.map((o) => o.id))).filter((row) => row !== undefined).map((row) => [row.id, row]));
      const updates: ObjectionRow[] = [];
      const decided: typeof objections = [];
      for (const answer of objections) {
        const row = stored.get(answer.id);
        if (!row || (row.state === answer.status && row.updatedAt === answer.updatedAt)) continue;
        updates.push({ ...row, state: answer.status, updatedAt: answer.updatedAt, record: { ...row.record, issuer: answer.issuer, result: answer.result } });
        if (answer.result) decided.push(answer);
      }
      if (updates.length > 0) await db.objections.bulkPut(updates);
      changed += updates.length;
      const actor = deps.actor();
      for (const answer of actor ? decided : []) {
        await audit.append(actor!, {
          kind: 'objection_update',
          case: null,
          details: { id: answer.id, status: answer.status, newLicenceId: answer.result!.newLicenceId },
        });
      }
    }
    return changed;
  }

  return { file, saveDraft, draftOf, resend, delivery, send, sendMany, poll };
}

/** The objection service's API. */
export type ObjectionService = ReturnType<typeof createObjectionService>;
