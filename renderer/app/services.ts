import { inject, type InjectionKey } from 'vue';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import type { CatchUp } from '../catchup/catchup';
import type { WorkstationDb } from '../db/db';
import type { ObjectionService } from '../features/objections/objections';
import type { UsageRecordService } from '../features/outbox/usage-records';
import type { HostClient, LibraryUnreachable } from '../host/client';
import type { Outbox } from '../outbox/outbox';
import type { ReferenceCache } from '../reference/reference-cache';
import type { Retention } from '../retention';
import type { HallSync } from '../sync/hall-sync';

/**
 * Every service of the renderer, each built once by the composition root (root.ts) and handed
 * to the stores (docs/architecture.md §10.19). A store takes what it needs with {@link useServices}; a
 * component talks to stores only. A new service (the hall's sync, the counter's devices) is a
 * field here, built in root.ts createServices, exposed by a store, and started — if it runs
 * by itself — by a task of startup-tasks.ts.
 */
export interface WorkstationServices {
  /** The workstation's local database (IndexedDB through Dexie, db/db.ts). */
  db: WorkstationDb;
  /** The host API (shared/contract.ts) over this page's transport: the only way to the library. */
  host: HostClient;
  /** Told by the host client of each call the library did not answer; the link store listens. */
  libraryUnreachable: LibraryUnreachable;
  /** The one audit log of the page: its appends are chained in the order they are asked for. */
  audit: AuditLog;
  /** Who is acting: the signed-in operator at this workstation; null before both are known. */
  actor: () => AuditActor | null;
  /** Who is acting, once the workstation's identity is loaded; UNAUTHENTICATED when no one is signed in. */
  signedInActor: () => Promise<AuditActor>;
  /** The clock every service reads. */
  now: () => Date;
  /** The catalog, usage lists and trust list, from the library or its cached copy. */
  reference: ReferenceCache;
  /** The one outbox (usage records and objections), its senders those of the two services below. */
  outbox: Outbox;
  usageRecords: UsageRecordService;
  objections: ObjectionService;
  /** Art. 11's re-check of the cases taken on paper while the library was unreachable. */
  catchUp: CatchUp;
  /** What leaves the workstation at start-up: paper pages, delivered outbox rows, kept names (Art. 27). */
  retention: Retention;
  /** Sends the audit chain, the purged cases, the objections' states and the outbox's counts up to the hall (sync/hall-sync.ts). */
  hallSync: HallSync;
}

/** The key the root provides the services under. */
export const SERVICES: InjectionKey<WorkstationServices> = Symbol('workstation services');

/**
 * The page's services, in a store's setup (Pinia runs it in the app's context, so `inject`
 * reaches what the root provided) or in the shell's start-up.
 */
export function useServices(): WorkstationServices {
  const services = inject(SERVICES, null);
  if (!services) throw new Error('useServices: no services provided (the app is built by renderer/app/root.ts, a test by its own root)');
  return services;
}
