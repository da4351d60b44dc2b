import type { AuditDetailsByKind } from '../../shared/audit-chain';
import type { Operator } from '../../shared/contract';
import { workstationDb } from '../db/db';
import { useWorkstationStore } from '../stores/workstation';
import { createAuditLog, type AuditLog } from './audit-log';

let log: AuditLog | null = null;

/**
 * Logs an operator's sign-in or sign-out (Art. 26): who, in which role, on which workstation,
 * and whether the sign-in was offline. Called by the sign-in page and the shell.
 */
export async function auditSession<K extends 'sign_in' | 'sign_out'>(kind: K, operator: Operator, details: AuditDetailsByKind[K]): Promise<void> {
  const workstation = useWorkstationStore();
  if (!workstation.info) await workstation.load();
  log ??= createAuditLog(workstationDb());
  await log.append({ operator: operator.id, role: operator.role, workstation: workstation.info!.workstationId }, { kind, case: null, details });
}
