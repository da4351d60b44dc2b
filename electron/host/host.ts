import { LibraryClient } from './library-client';
import { LinkMonitor } from './link-monitor';
import { OperatorSession } from './session';
import type { HostHandlers } from './dispatch';
import type { Operator } from '../../shared/contract';
import { CatalogResponse, MattersResponse } from '../../shared/library-api';
import { ReferenceData } from './reference-data';
import { TrustStore } from './trust';
import { CounterService } from './counter';
import { join } from 'node:path';

/** What the host needs to know about its deployment. */
export interface HostConfig {
  version: string;
  workstationId: string;
  libraryUrl: string;
  /** `sandbox` when the host started the embedded library sandbox (演示/培训). */
  libraryMode: 'sandbox' | 'library';
  transport: 'electron' | 'browser';
  /** The library's root key the trust list must be signed with. */
  rootKey: { kid: string; publicKey: string };
  /** Folder for the host's own files (the verified trust list for offline use). */
  dataDir: string;
}

/** The host services behind both transports. */
export interface Host {
  handlers: HostHandlers;
  currentOperator(): Operator | null;
  library: LibraryClient;
  link: LinkMonitor;
}

/** Builds the host services and the handlers object both transports serve. */
export function createHost(config: HostConfig): Host {
  const library = new LibraryClient(config.libraryUrl);
  const link = new LinkMonitor(library);
  const session = new OperatorSession(library, config.workstationId);
  const catalog = new ReferenceData(library, '/catalog', CatalogResponse);
  const matters = new ReferenceData(library, '/matters', MattersResponse);
  const trust = new TrustStore(library, config.rootKey, join(config.dataDir, 'trust.json'));
  const counter = new CounterService({
    library,
    trust,
    token: () => session.token(),
    workstationId: config.workstationId,
    catalog: () => catalog.peek(),
    matters: () => matters.peek(),
  });

  const handlers: HostHandlers = {
    'app.info': async () => ({
      version: config.version,
      workstationId: config.workstationId,
      libraryMode: config.libraryMode,
      libraryUrl: config.libraryUrl,
      transport: config.transport,
    }),
    'session.signIn': async ({ username, password }) => session.signIn(username, password),
    'session.current': async () => ({ operator: session.operator(), expiresAt: session.expiresAt() }),
    'session.signOut': async () => ({ signedOut: session.signOut() }),
    'library.status': async () => link.probe(),
    'catalog.get': async () => catalog.get(session.token()),
    'matters.get': async () => matters.get(session.token()),
    'trust.get': async () => trust.get(),
    'token.inspect': async (input) => counter.inspectToken(input),
    'grant.redeem': async (input) => counter.redeem(input),
    'grant.duty': async (input) => counter.duty(input),
    'material.pull': async (input) => {
      // Field labels and the material's face fields come from the catalog and usage lists.
      if (!catalog.peek()) await catalog.get(session.token());
      if (!matters.peek()) await matters.get(session.token());
      return counter.pull(input);
    },
    'licence.file': async (input) => counter.file(input),
    'case.purge': async (input) => counter.purge(input),
    'usage.submit': async (input) => counter.submitUsage(input),
  };

  return { handlers, currentOperator: () => session.operator(), library, link };
}
