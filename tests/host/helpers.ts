import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedSandbox } from '../../electron/host/embedded-sandbox';
import { createHost, type Host } from '../../electron/host/host';
import { dispatchHostCall } from '../../electron/host/dispatch';
import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import type { HostResult } from '../../shared/errors';
import type { ApplicantWindowPort } from '../../electron/host/devices/applicant-screen';

/** A real sandbox on a fresh data folder and a host wired to it, as browser mode wires them. */
export interface HostRig {
  host: Host;
  sandboxUrl: string;
  /** The host's data folder (settings.json, devices.json, the sandbox's folder). */
  dataDir: string;
  call<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostResult<HostOutput<N>>>;
  ok<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostOutput<N>>;
  sandbox(path: string, init?: { method?: string; body?: unknown }): Promise<unknown>;
  close(): Promise<void>;
}

/** Starts a sandbox and a host over it; `now` is the host's clock (the sandbox keeps the real one). */
export async function startHostRig(options: { now?: () => Date; applicantWindow?: ApplicantWindowPort } = {}): Promise<HostRig> {
  const dir = mkdtempSync(join(tmpdir(), 'host-rig-'));
  const sandbox = embeddedSandbox(dir);
  const target = await sandbox.open();
  const host = await createHost({
    version: 'test',
    transport: 'browser',
    dataDir: dir,
    settings: { libraryUrl: null, rootKey: null, workstationId: 'WS-TEST-01', paperRetentionDays: 30 },
    settingsFile: join(dir, 'settings.json'),
    openSandbox: sandbox.open,
    ...(options.now ? { now: options.now } : {}),
    ...(options.applicantWindow ? { applicantWindow: options.applicantWindow } : {}),
  });
  const call = (async (name: HostCallName, input: unknown) => dispatchHostCall(host.handlers, host.currentOperator, name, input)) as HostRig['call'];
  return {
    host,
    sandboxUrl: target.url,
    dataDir: dir,
    call,
    ok: (async (name: HostCallName, input: unknown) => {
      const result = await call(name as never, input as never);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    }) as HostRig['ok'],
    sandbox: async (path, init) => {
      const response = await fetch(`${target.url}/api/v1/_sandbox${path}`, {
        method: init?.method ?? (init?.body === undefined ? 'GET' : 'POST'),
        headers: { 'content-type': 'application/json' },
        body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return response.json();
    },
    close: async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
