import { describe, expect, it, vi } from 'vitest';
import { fakeElectron } from './fake-electron';

vi.mock('electron', () => ({ BrowserWindow: class {}, default: {} }));

const { registerHostIpc, isTrustedSender } = await import('../../../electron/main/ipc');
const { HOST_CALL_CHANNEL, HOST_CALL_NAMES } = await import('../../../shared/contract');
import type { HostHandlers } from '../../../electron/host/dispatch';
import { createHost } from '../../../electron/host/host';

const operator = { id: 'u1', name: '张三', role: 'clerk' as const, unitCode: 'U1', unitName: '黄浦区行政服务中心' };

// A strict fake: any call the test did not set up fails loudly.
function handlers(): HostHandlers {
  const unexpected = Object.fromEntries(
    HOST_CALL_NAMES.map((name) => [name, async () => Promise.reject(new Error(`unexpected host call ${name}`))]),
  ) as unknown as HostHandlers;
  return {
    ...unexpected,
    'app.info': async () => ({
      version: '1',
      workstationId: 'WS-1',
      libraryMode: 'sandbox',
      libraryUrl: 'http://127.0.0.1:1',
      transport: 'electron',
      paperRetentionDays: 30,
    }),
    'session.signIn': async () => ({ operator, expiresAt: '2026-11-27T10:00:00Z', offline: false }),
    'session.current': async () => ({ operator: null, expiresAt: null }),
    'session.signOut': async () => ({ signedOut: true }),
    'library.status': async () => ({ state: 'online', lastSuccessAt: null, latencyMs: 3 }),
    'catalog.get': async () => ({ version: 'v1', types: [] }),
    'matters.get': async () => ({ version: 'v1', matters: [] }),
  };
}

const topFrame = (url: string) => ({ url, parent: null });

function setup(current: typeof operator | null = null) {
  const fake = fakeElectron();
  registerHostIpc(fake.ipcMain, handlers(), () => current);
  const handler = fake.handles.get(HOST_CALL_CHANNEL)!;
  return (frame: unknown, name: unknown, input: unknown) => handler({ senderFrame: frame }, name, input) as Promise<{ ok: boolean; error?: { code: string } }>;
}

describe('host calls over IPC', () => {
  it('answers a valid call from the app origin', async () => {
    const call = setup();
    const result = await call(topFrame('app://workstation/index.html#/'), 'app.info', {});
    expect(result).toMatchObject({ ok: true, value: { workstationId: 'WS-1' } });
  });

  it('refuses a call from a foreign frame', async () => {
    const call = setup();
    for (const frame of [topFrame('https://evil.example/'), topFrame('file:///tmp/x.html'), { url: 'app://workstation/index.html', parent: {} }, null]) {
      const result = await call(frame, 'app.info', {});
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('refuses an input nested too deep (even a cyclic clone) with BAD_REQUEST before the validator can overflow', async () => {
    const call = setup();
    const frame = topFrame('app://workstation/index.html');
    const deep = JSON.parse(`${'['.repeat(5_000)}${']'.repeat(5_000)}`) as unknown;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const objection = (recorded: unknown) => ({ objection: { id: 'O1', fields: [{ key: 'k', recorded, claimed: 1 }] } });
    for (const input of [objection(deep), objection(cyclic), deep, cyclic]) {
      expect(await call(frame, 'objection.submit', input)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await call(frame, 'app.info', {})).toMatchObject({ ok: true });
  });

  it('refuses a malformed request', async () => {
    const call = setup();
    const frame = topFrame('app://workstation/index.html');
    expect(await call(frame, 'session.signIn', { username: '', password: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(frame, 'session.signIn', { username: 'a', password: 'b', admin: true })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(frame, 'session.signIn', 'not an object')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(frame, 'no.such.call', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    expect(await call(frame, { toString: () => 'app.info' }, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it('enforces the roles of a call', async () => {
    const frame = topFrame('app://workstation/index.html');
    expect(await setup(null)(frame, 'catalog.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await setup(operator)(frame, 'catalog.get', {})).toMatchObject({ ok: true });
  });

  it('trusts only the top frame of the app origin', () => {
    expect(isTrustedSender({ senderFrame: topFrame('app://workstation/') } as never)).toBe(true);
    expect(isTrustedSender({ senderFrame: topFrame('app://other/') } as never)).toBe(false);
    expect(isTrustedSender({ senderFrame: topFrame('not a url') } as never)).toBe(false);
  });

  it('has a handler for every contract call (and no other) in the real host', async () => {
    const host = await createHost({
      version: '1',
      transport: 'electron',
      dataDir: '/nonexistent',
      settings: { libraryUrl: null, rootKey: null, workstationId: 'WS-1', paperRetentionDays: 30 },
      settingsFile: null,
      openSandbox: async () => ({ url: 'http://127.0.0.1:9', rootKey: { kid: 'k', publicKey: `04${'1'.repeat(128)}` } }),
    });
    expect(Object.keys(host.handlers).sort()).toEqual([...HOST_CALL_NAMES].sort());
    expect(Object.values(host.handlers).every((handler) => typeof handler === 'function')).toBe(true);
  });
});
