import { createApp } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { Operator } from '../../../shared/contract';
import { storeActor } from '../../../renderer/app/actor';
import { createServices, installServices, type ServiceParts } from '../../../renderer/app/root';
import type { WorkstationServices } from '../../../renderer/app/services';
import type { StartupTask } from '../../../renderer/app/startup';
import { WorkstationDb } from '../../../renderer/db/db';
import type { HostClient, LibraryUnreachable } from '../../../renderer/host/client';
import { useSessionStore } from '../../../renderer/stores/session';
import { useWorkstationStore, type WorkstationInfo } from '../../../renderer/stores/workstation';

/** The clerk the store tests sign in. */
export const CLERK: Operator = { id: 'OP-1', name: '王晓燕', role: 'clerk', unitCode: 'U1', unitName: '中心' };
/** The workstation the store tests run on. */
export const WORKSTATION: WorkstationInfo = {
  version: '0.1.0',
  workstationId: 'WS-TEST-01',
  libraryMode: 'sandbox',
  libraryUrl: 'http://x',
  transport: 'browser',
  paperRetentionDays: 30,
};

/** What a test's page is built on: a (fake) host client, and optionally its database, clock and outbox parts. */
export interface TestRootOptions {
  host: HostClient;
  /** What `host` tells of the library's outages (none: a silent signal). */
  libraryUnreachable?: LibraryUnreachable;
  db?: WorkstationDb;
  now?: () => Date;
  outbox?: ServiceParts['outbox'];
  /** Signs this operator in, on this workstation, before the test starts (none: no one signed in). */
  operator?: Operator | null;
  info?: WorkstationInfo | null;
  tasks?: readonly StartupTask[];
}

/**
 * A page for a test, built by the composition root as renderer/main.ts builds it — the same
 * services, the stores reaching them by injection, the actor worked out from the stores — over
 * a fresh database (fake-indexeddb) and the test's fake host.
 */
export function testRoot(options: TestRootOptions): { pinia: Pinia; services: WorkstationServices; db: WorkstationDb } {
  const db = options.db ?? new WorkstationDb(`test-root-${Math.random()}`);
  const pinia = createPinia();
  const app = createApp({});
  const services = createServices({
    db,
    host: options.host,
    ...storeActor(pinia),
    ...(options.now ? { now: options.now } : {}),
    ...(options.libraryUnreachable ? { libraryUnreachable: options.libraryUnreachable } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
  });
  installServices(app, pinia, services, options.tasks);
  setActivePinia(pinia);
  const operator = options.operator === undefined ? CLERK : options.operator;
  const info = options.info === undefined ? WORKSTATION : options.info;
  if (operator) useSessionStore().operator = operator;
  if (info) useWorkstationStore().info = info;
  return { pinia, services, db };
}
