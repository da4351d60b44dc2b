import type { UsageRecordRequest } from '../../../shared/library-api';
import { applyUsageRecordEdit, type EditMatter, type UsageRecordEdit, type UsageRecordEditProblem } from '../../../shared/usage-record-edit';
import { requireActor, type AuditActor, type AuditLog } from '../../audit/audit-log';
import type { OutboxRow, UnsentOutboxRow, UnsentOutboxState, WorkstationDb } from '../../db/db';
import { AppError, type HostClient } from '../../host/client';
import type { Delivered, Outbox, UnsentRowOf } from '../../outbox/outbox';
import { deliveryErrorOf } from '../../outbox/workstation-outbox';

/** An unsent outbox row as the 待发送 list shows it: what it is, and how its delivery goes. */
export interface UnsentItem {
  id: number;
  key: string;
  kind: OutboxRow['kind'];
  state: UnsentOutboxState;
  createdAt: string;
  attempts: number;
  /** The library's (or the host's) sentence of the last failure. */
  lastError: string | null;
  /** The case a usage record belongs to; null for an objection. */
  caseNo: string | null;
  matterCode: string | null;
  /** The objection's id and licence; null for a usage record. */
  objectionId: string | null;
  licenceId: string | null;
}

// What needs a person first, then what is on its way, then what waits; oldest first in each.
const LIST_ORDER: readonly UnsentOutboxState[] = ['needs_attention', 'sending', 'queued'];

/** One page of the unsent list, with the count of each state. */
export interface UnsentPage {
  total: number;
  counts: Record<'queued' | 'sending' | 'needs_attention', number>;
  items: UnsentItem[];
}

// The rows of the unsent states' index ranges: stored (an id) and not delivered.
function isListed(row: OutboxRow): row is UnsentOutboxRow & { id: number } {
  return row.state !== 'delivered' && row.id !== undefined;
}

/** What the list shows of a row (the payload stays in Dexie; objections' evidence is large). */
export function unsentItemOf(row: UnsentOutboxRow & { id: number }): UnsentItem {
  const common = { id: row.id, key: row.key, kind: row.kind, state: row.state, createdAt: row.createdAt, attempts: row.attempts, lastError: row.lastError };
  return row.kind === 'usage_record'
    ? { ...common, caseNo: row.payload.caseNo, matterCode: row.payload.matterCode, objectionId: null, licenceId: null }
    : { ...common, caseNo: null, matterCode: null, objectionId: row.payload.id, licenceId: row.payload.licenceId };
}

/**
 * A page of the rows the library has not confirmed: those needing attention first, then those
 * being sent, then the queued ones, each oldest first. Each state is one bounded range read of
 * the `[state+createdAt]` index, so a page stays cheap while a thousand items drain.
 */
export async function unsentPage(db: WorkstationDb, offset: number, limit: number): Promise<UnsentPage> {
  const range = (state: UnsentOutboxState) => db.outbox.where('[state+createdAt]').between([state, ''], [state, '\uffff']);
  const sizes = await Promise.all(LIST_ORDER.map((state) => range(state).count()));
  const items: UnsentItem[] = [];
  let skip = offset;
  for (const [i, state] of LIST_ORDER.entries()) {
    const want = limit - items.length;
    if (want <= 0) break;
    if (skip >= sizes[i]!) {
      skip -= sizes[i]!;
      continue;
    }
    const rows = await range(state).offset(skip).limit(want).toArray();
    items.push(...rows.filter(isListed).map(unsentItemOf));
    skip = 0;
  }
  const [needsAttention, sending, queued] = sizes as [number, number, number];
  return { total: needsAttention + sending + queued, counts: { needs_attention: needsAttention, sending, queued }, items };
}

/** What the usage-record service works with; tests supply fakes. */
export interface UsageRecordDeps {
  db: WorkstationDb;
  client: HostClient;
  audit: AuditLog;
  actor: () => AuditActor | null;
  outbox: () => Outbox;
}

/** How a resend went: sent off again, or refused with the problems to show (nothing saved). */
export type ResendResult = { ok: true } | { ok: false; problems: UsageRecordEditProblem[] };

/**
 * Usage records in the outbox (Art. 26): their delivery, and the correction of one the library
 * refused. The library keeps a result under an idempotency key only when it accepted the
 * request, so a refused record left its key unused: the corrected record goes with the same
 * key, as an edited objection goes with its same id. That is what keeps "exactly once" after
 * an edit: if the corrected record reaches the library and the answer is lost, the retry is a
 * replay of the same key and body, never a second record of the case (a new key would make
 * one). A 409 CONFLICT (the key already holds a different record: this case's record did arrive,
 * with other content) is not cured by a new key either; it stays with the clerk and the library.
 */
export function createUsageRecordService(deps: UsageRecordDeps) {
  const { db, client, audit } = deps;

  const actorOrFail = (): AuditActor => requireActor(deps.actor);

  async function attentionRow(id: number): Promise<UnsentRowOf<'usage_record'> & { id: number }> {
    const row = await db.outbox.get(id);
    if (row?.kind !== 'usage_record' || row.state !== 'needs_attention' || row.id === undefined)
      throw new AppError('CONFLICT', 'usageRecordNotNeedingAttention');
    return { ...row, id: row.id };
  }

  /** The outbox's sender for usage records: the record with its idempotency key; the delivery audited; the library's id kept on the row. */
  async function send(row: UnsentRowOf<'usage_record'>): Promise<Delivered> {
    const record = row.payload;
    let id: string;
    try {
      ({ id } = await client.call('usage.submit', { record, idempotencyKey: row.key }));
    } catch (error) {
      throw deliveryErrorOf(error);
    }
    const actor = deps.actor();
    if (actor) await audit.append(actor, { kind: 'usage_record', case: record.caseNo, details: { state: 'delivered', key: row.key, id } });
    return { answer: { id } };
  }

  /** The record of a row that needs attention, for the edit form. */
  async function recordOf(id: number): Promise<UsageRecordRequest> {
    return (await attentionRow(id)).payload;
  }

  /**
   * Saves a clerk's correction of a refused record and sends it again: checked with the shared
   * rules (and the library's schema) first — on any problem nothing is saved and the problems
   * are returned; then the corrected record replaces the payload and the row goes back to the
   * queue in one transaction, with the same key; the edit is audited with what changed and the
   * library's refusal it answers; then the queue is flushed at once.
   */
  async function resend(id: number, edit: UsageRecordEdit, matters?: readonly EditMatter[]): Promise<ResendResult> {
    const actor = actorOrFail();
    const row = await attentionRow(id);
    const result = applyUsageRecordEdit(row.payload, edit, matters);
    if (!result.ok) return result;
    await db.transaction('rw', db.outbox, async () => {
      const current = await db.outbox.get(id);
      // The row may have changed under the form (another tab resent it).
      if (current?.state !== 'needs_attention' || current.key !== row.key) throw new AppError('CONFLICT', 'usageRecordNotNeedingAttention');
      await db.outbox.update(id, { payload: result.record, state: 'queued', lastError: null });
    });
    await audit.append(actor, {
      kind: 'usage_record',
      case: result.record.caseNo,
      details: { state: 'edited', key: row.key, refusal: row.lastError, changes: result.changes },
    });
    await deps.outbox().flush({ now: true });
    return { ok: true };
  }

  /** Sends a refused record again as it is (its cause was fixed elsewhere); audited. */
  async function retryAsIs(id: number): Promise<void> {
    const actor = actorOrFail();
    const row = await attentionRow(id);
    await audit.append(actor, { kind: 'usage_record', case: row.payload.caseNo, details: { state: 'resent', key: row.key, refusal: row.lastError } });
    await deps.outbox().retry(id);
  }

  return { send, recordOf, resend, retryAsIs };
}

/** The usage-record service's API. */
export type UsageRecordService = ReturnType<typeof createUsageRecordService>;
