/**
 * The renderer's composition root (docs/architecture.md §10.19): every service is built here, once, in the
 * order it needs the others, and handed to the stores; renderer/main.ts calls it once for the
 * page, a unit test for its own fakes. Nothing else in the renderer constructs a service
 * (eslint.config.js holds that line).
 */
import type { App } from 'vue';
import type { Pinia } from 'pinia';
import { OBJECTION_BATCH_MAX } from '../../shared/contract';
import { createAuditLog, type AuditActor } from '../audit/audit-log';
import { createCatchUp } from '../catchup/catchup';
import type { WorkstationDb } from '../db/db';
import { createObjectionService, type ObjectionService } from '../features/objections/objections';
import { createUsageRecordService } from '../features/outbox/usage-records';
import { createLibraryUnreachable, type HostClient, type LibraryUnreachable } from '../host/client';
import { createOutbox, type Outbox, type OutboxBatchSender, type OutboxOptions, type UnsentRowOf } from '../outbox/outbox';
import { broadcastWakeChannel, webSenderLock } from '../outbox/sender-lock';
import { createReferenceCache } from '../reference/reference-cache';
import { createRetention } from '../retention';
import { createHallSync, HALL_SYNC_SENDER, type HallSyncOptions } from '../sync/hall-sync';
import { SERVICES, type WorkstationServices } from './services';
import { STARTUP_TASKS } from './startup-tasks';
import { createStartup, STARTUP, type StartupTask } from './startup';

/** What the services are built on: the parts a test replaces with its own. */
export interface ServiceParts {
  db: WorkstationDb;
  host: HostClient;
  /** What `host` tells of the library's outages (main.ts builds the two together); none: a silent one. */
  libraryUnreachable?: LibraryUnreachable;
  /** Who is acting (app/actor.ts works it out from the stores; a test may fix it). */
  actor: () => AuditActor | null;
  /** The acting operator once the workstation's identity is loaded (app/actor.ts). */
  signedInActor: () => Promise<AuditActor>;
  now?: () => Date;
  /** How the outbox meets other tabs and schedules its retries (the page: Web Locks, BroadcastChannel, timers). */
  outbox?: Pick<OutboxOptions, 'lock' | 'wake' | 'random' | 'now' | 'setTimer' | 'clearTimer'>;
  /** How the hall sync meets other tabs and schedules itself (the page: its own Web Lock, Dexie's change events, timers). */
  hallSync?: Omit<HallSyncOptions, 'db' | 'host'>;
}

// Objections go ten to a host call, and no call carries more than about 8 MiB of evidence (the
// host takes 32 MiB; one objection may carry 20 MiB and then goes alone).
const OBJECTIONS_PER_CALL = 10;
const BYTES_PER_CALL = 8 * 1024 * 1024;

function objectionSize(row: UnsentRowOf<'objection'>): number {
  return 4096 + row.payload.evidence.reduce((sum, item) => sum + item.data.length, 0);
}

function objectionBatches(objections: ObjectionService): OutboxBatchSender<'objection'> {
  return {
    send: (rows) => objections.sendMany(rows),
    maxItems: Math.min(OBJECTIONS_PER_CALL, OBJECTION_BATCH_MAX),
    maxBytes: BYTES_PER_CALL,
    sizeOf: objectionSize,
  };
}

/**
 * Builds every service on the given parts: one audit log for all of them; the outbox with its
 * senders — usage records one to a call, objections ten — registered here, whatever page opens
 * first; the objection, usage-record, catch-up and retention services; the hall sync.
 */
export function createServices(parts: ServiceParts): WorkstationServices {
  const { db, host, actor, signedInActor } = parts;
  const now = parts.now ?? (() => new Date());
  const audit = createAuditLog(db, now);
  // The two services queue into the outbox and the outbox sends with them: they reach it
  // through a function, as it is built after them.
  let outbox: Outbox | null = null;
  const theOutbox = (): Outbox => {
    if (!outbox) throw new Error('the outbox is built with the services');
    return outbox;
  };
  const usageRecords = createUsageRecordService({ db, client: host, audit, actor, outbox: theOutbox });
  const objections = createObjectionService({ db, client: host, audit, actor, outbox: theOutbox, now });
  outbox = createOutbox({
    db,
    // Four calls in flight (a sequential drain is bound by the round trip, not by the library),
    // and objections ten to a call: a hundred rows claimed and settled per transaction keeps
    // four calls busy.
    baseDelayMs: 1_000,
    maxDelayMs: 60_000,
    batchSize: 100,
    concurrency: 4,
    // An objection's receipt is written onto its row in the transaction that marks it delivered.
    recordTables: [db.objections],
    senders: { usage_record: (row) => usageRecords.send(row) },
    batchSenders: { objection: objectionBatches(objections) },
    ...parts.outbox,
  });
  return {
    db,
    host,
    libraryUnreachable: parts.libraryUnreachable ?? createLibraryUnreachable(),
    audit,
    actor,
    signedInActor,
    now,
    reference: createReferenceCache({ client: host, db, now }),
    outbox,
    usageRecords,
    objections,
    catchUp: createCatchUp({ db, client: host, audit, actor, now }),
    retention: createRetention({ db, audit, now }),
    hallSync: createHallSync({ db, host, now, ...parts.hallSync }),
  };
}

/** How this page's outbox meets the other tabs: one sender per origin (outbox/sender-lock.ts). */
export function pageOutboxParts(): ServiceParts['outbox'] {
  const locks = globalThis.navigator?.locks;
  return {
    // Without Web Locks (no browser the workstation runs in) the page sends alone.
    ...(locks ? { lock: webSenderLock(locks) } : {}),
    ...(typeof BroadcastChannel === 'function' ? { wake: broadcastWakeChannel() } : {}),
  };
}

/** How this page's hall sync meets the other tabs: one sender per origin, on a lock of its own. */
export function pageHallSyncParts(): ServiceParts['hallSync'] {
  const locks = globalThis.navigator?.locks;
  return locks ? { lock: webSenderLock(locks, HALL_SYNC_SENDER) } : {};
}

/**
 * Wires an app to its services: the stores (Pinia) reach them by injection, the shell runs the
 * start-up tasks with them. A test installs its own services the same way.
 */
export function installServices(app: App, pinia: Pinia, services: WorkstationServices, tasks: readonly StartupTask[] = STARTUP_TASKS): void {
  app.provide(SERVICES, services);
  app.provide(STARTUP, createStartup(tasks));
  app.use(pinia);
}
