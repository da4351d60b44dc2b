import { createAuditLog } from '../../audit/audit-log';
import type { AuditActor } from '../../audit/audit-log';
import { workstationDb } from '../../db/db';
import { hostClient } from '../../host/client';
import { registerSender, workstationOutbox } from '../../outbox/workstation-outbox';
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

/** The page's objection service, its sender registered with the shared outbox. */
export function objectionService(): ObjectionService {
  if (!service) {
    const db = workstationDb();
    service = createObjectionService({ db, client: hostClient(), audit: createAuditLog(db), actor: currentActor, outbox: () => workstationOutbox() });
    registerSender('objection', (row) => service!.send(row));
  }
  return service;
}
