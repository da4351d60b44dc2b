import { addDays, shanghaiDate, shanghaiDateTime } from '../../../shared/shanghai-time';
import { createAuditLog, type AuditActor, type AuditLog } from '../../audit/audit-log';
import { workstationDb } from '../../db/db';
import { AppError } from '../../host/client';
import { useSessionStore } from '../../stores/session';
import { useWorkstationStore } from '../../stores/workstation';

let log: AuditLog | null = null;

/** The audit log the supervisor's actions are appended to. */
export function supervisionAudit(): AuditLog {
  log ??= createAuditLog(workstationDb());
  return log;
}

/** Who is acting, for the audit chain: the signed-in operator at this workstation. */
export async function currentActor(): Promise<AuditActor> {
  const operator = useSessionStore().operator;
  if (!operator) throw new AppError('UNAUTHENTICATED');
  const workstation = useWorkstationStore();
  if (!workstation.info) await workstation.load();
  return { operator: operator.id, role: operator.role, workstation: workstation.info!.workstationId };
}

/** An ISO time as a hall reads it: `YYYY-MM-DD HH:mm:ss` in Asia/Shanghai. */
export function shanghaiTime(iso: string): string {
  return shanghaiDateTime(iso);
}

/** Today in Asia/Shanghai, `YYYY-MM-DD`. */
export function shanghaiToday(now = new Date()): string {
  return shanghaiDate(now);
}

/** The day `days` before a `YYYY-MM-DD` day. */
export function daysBefore(day: string, days: number): string {
  return addDays(day, -days);
}

export { messageOf } from '../../format';
