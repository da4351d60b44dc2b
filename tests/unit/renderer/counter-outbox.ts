import type { AuditLog } from '../../../renderer/audit/audit-log';
import type { WorkstationDb } from '../../../renderer/db/db';
import { createUsageRecordService } from '../../../renderer/features/outbox/usage-records';
import type { HostClient } from '../../../renderer/host/client';
import { createOutbox, type Outbox } from '../../../renderer/outbox/outbox';

/**
 * The outbox a counter store test completes cases into: usage records go through the
 * usage-record service's sender, as on the page (where the store uses the shared outbox), and
 * their delivery is audited as the clerk the tests sign in.
 */
export function counterOutbox(db: WorkstationDb, client: HostClient, audit: AuditLog): Outbox {
  const service = createUsageRecordService({
    db,
    client,
    audit,
    actor: () => ({ operator: 'OP-1', role: 'clerk', workstation: 'WS-TEST-01' }),
    outbox: () => outbox,
  });
  const outbox = createOutbox({ db, senders: { usage_record: (row) => service.send(row) } });
  return outbox;
}
