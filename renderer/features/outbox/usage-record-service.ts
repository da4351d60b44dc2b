import { createAuditLog } from '../../audit/audit-log';
import { workstationDb } from '../../db/db';
import { hostClient } from '../../host/client';
import { registerSender, workstationOutbox } from '../../outbox/workstation-outbox';
import { currentActor } from '../objections/objection-service';
import { createUsageRecordService, type UsageRecordService } from './usage-records';

let service: UsageRecordService | null = null;

/**
 * The page's usage-record service, its sender registered with the shared outbox from the shell,
 * so that records drain (and a corrected one is resent) whichever page is open; the counter
 * store's outbox is this same one.
 */
export function usageRecordService(): UsageRecordService {
  if (!service) {
    const db = workstationDb();
    service = createUsageRecordService({ db, client: hostClient(), audit: createAuditLog(db), actor: currentActor, outbox: () => workstationOutbox() });
    registerSender((row) => service!.send(row));
  }
  return service;
}
