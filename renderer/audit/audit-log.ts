import { createAuditEvent, type AuditEvent, type AuditEventKind, type AuditStepOf } from '../../shared/audit-chain';
import type { WorkstationDb } from '../db/db';
import { AppError } from '../host/client';

/** Who is acting, stamped on every event of a session. */
export interface AuditActor {
  operator: string;
  role: string;
  workstation: string;
}

/**
 * Appends events to the local audit chain (Art. 26) in the order they were asked for. A caller
 * says what the step was (its kind and that kind's details, shared/audit-chain
 * AuditDetailsByKind); the chain fields and the time are filled in.
 */
export interface AuditLog {
  append<K extends AuditEventKind>(actor: AuditActor, step: AuditStepOf<K>): Promise<AuditEvent>;
  /** Resolves once every append asked for so far is stored. */
  settled(): Promise<void>;
}

// Another tab of the same workstation may take the seq we computed between our read and our
// add; the unique index refuses it and we build the event again on the new tail.
const MAX_CONFLICT_RETRIES = 5;

/** Whether a Dexie/IndexedDB failure is a unique-key clash (another writer got there first). */
export function isConstraintError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ConstraintError' || (error as { inner?: Error }).inner?.name === 'ConstraintError');
}

/**
 * The audit log over Dexie. Appends are serialised in this page (a promise chain) and each one
 * reads the chain's last event and adds the next in a single read-write transaction, so the
 * chain never forks; building the event (one SM3) is synchronous and does not end the
 * transaction early.
 */
export function createAuditLog(db: WorkstationDb, now: () => Date = () => new Date()): AuditLog {
  let tail: Promise<unknown> = Promise.resolve();

  async function appendOnce(actor: AuditActor, step: AuditStepOf<AuditEventKind>, at: string): Promise<AuditEvent> {
    return db.transaction('rw', db.auditEvents, async () => {
      const last = await db.auditEvents.orderBy('seq').last();
      const event = createAuditEvent(last ?? null, { ...actor, ...step, at });
      await db.auditEvents.add(event);
      return event;
    });
  }

  async function appendWithRetry(actor: AuditActor, step: AuditStepOf<AuditEventKind>): Promise<AuditEvent> {
    const at = now().toISOString();
    for (let attempt = 0; ; attempt++) {
      try {
        return await appendOnce(actor, step, at);
      } catch (error) {
        if (!isConstraintError(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  return {
    append(actor, step) {
      const next = tail.then(() => appendWithRetry(actor, step));
      tail = next.catch(() => undefined);
      return next;
    },
    async settled() {
      await tail;
    },
  };
}

/** The acting operator, or the clerk's "signed out" sentence as an UNAUTHENTICATED failure. */
export function requireActor(actor: () => AuditActor | null): AuditActor {
  const who = actor();
  if (!who) throw new AppError('UNAUTHENTICATED');
  return who;
}
