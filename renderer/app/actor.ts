import type { Pinia } from 'pinia';
import { requireActor, type AuditActor } from '../audit/audit-log';
import { useSessionStore } from '../stores/session';
import { useWorkstationStore } from '../stores/workstation';

/**
 * Who is acting, worked out in this one place: the signed-in operator (id and role, from the
 * session store) at this workstation (its id, from the workstation store's app.info). Every
 * audit event, objection and catch-up is stamped with it. `actor` is null until both are
 * known; `signedInActor` first loads the workstation's identity if it is not yet, and fails
 * with UNAUTHENTICATED when no one is signed in.
 */
export function storeActor(pinia: Pinia): { actor: () => AuditActor | null; signedInActor: () => Promise<AuditActor> } {
  const actor = (): AuditActor | null => {
    const operator = useSessionStore(pinia).operator;
    const info = useWorkstationStore(pinia).info;
    if (!operator || !info) return null;
    return { operator: operator.id, role: operator.role, workstation: info.workstationId };
  };
  return {
    actor,
    async signedInActor() {
      const workstation = useWorkstationStore(pinia);
      if (useSessionStore(pinia).operator && !workstation.info) await workstation.ensureLoaded();
      return requireActor(actor);
    },
  };
}
