import { createAuditLog } from '../../audit/audit-log';
import type { AuditActor } from '../../audit/audit-log';
import { workstationDb } from '../../db/db';
import { hostClient } from '../../host/client';
import { OBJECTION_BATCH_MAX } from '../../../shared/contract';
import type { UnsentRowOf } from '../../outbox/outbox';
import { registerBatchSender, workstationOutbox } from '../../outbox/workstation-outbox';
import { useSessionStore } from '../../stores/session';
import { useWorkstationStore } from '../../stores/workstation';
import { createObjectionService, type ObjectionService } from './objections';

/** Who acts, from the session and the workstation's identity (null before both are known). */
export function currentActor(): AuditActor | null {
  const operator = useSessionStore().operator;
  const info = useWorkstationStore().info;
  if (!operator || !info) return null;
  return { operator: operator.id, role: operator.role, workstation: info.workstationId };
}

let service: ObjectionService | null = null;

// Objections go ten to a host call, and no call carries more than about 8 MiB of evidence (the
// host takes 32 MiB; one objection may carry 20 MiB and then goes alone).
const OBJECTIONS_PER_CALL = 10;
const BYTES_PER_CALL = 8 * 1024 * 1024;

function objectionSize(row: UnsentRowOf<'objection'>): number {
  return 4096 + row.payload.evidence.reduce((sum, item) => sum + item.data.length, 0);
}

/** The page's objection service, its senders registered with the shared outbox. */
export function objectionService(): ObjectionService {
  if (!service) {
    const db = workstationDb();
    service = createObjectionService({ db, client: hostClient(), audit: createAuditLog(db), actor: currentActor, outbox: () => workstationOutbox() });
    registerBatchSender({
      send: (rows) => service!.sendMany(rows),
      maxItems: Math.min(OBJECTIONS_PER_CALL, OBJECTION_BATCH_MAX),
      maxBytes: BYTES_PER_CALL,
      sizeOf: objectionSize,
    });
  }
  return service;
}
