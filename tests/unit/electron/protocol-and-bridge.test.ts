import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ BrowserWindow: class {}, default: {} }));

const { appProtocolHandler, serveAppRequest } = await import('../../../electron/main/protocol');
const { APP_HOST } = await import('../../../electron/main/window');
import { contentTypeOf } from '../../../electron/host/mime';
import { buildBridge } from '../../../electron/preload/bridge';
import { HOST_CALL_NAMES } from '../../../shared/contract';

describe('the app:// protocol handler', () => {
  const root = mkdtempSync(join(tmpdir(), 'renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'secret.txt'), 'secret');

  it('serves the renderer with the CSP on HTML', async () => {
    const index = await serveAppRequest(root, 'app://workstation/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    const script = await serveAppRequest(root, 'app://workstation/assets/app.js');
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('gives each file of the build the type the browser-mode server gives it', async () => {
    for (const [name, type] of <[string, string][]>[
      ['favicon.ico', 'image/x-icon'],
      ['assets/zxing.wasm', 'application/wasm'],
      ['assets/app.css', 'text/css; charset=utf-8'],
      ['assets/Noto.WOFF2', 'font/woff2'],
      ['assets/app.js.map', 'application/json; charset=utf-8'],
      ['assets/unknown.xyz', 'application/octet-stream'],
    ]) {
      writeFileSync(join(root, name), 'x');
      expect((await serveAppRequest(root, `app://workstation/${name}`)).headers.get('content-type'), name).toBe(type);
      expect(contentTypeOf(name), name).toBe(type);
    }
  });

  it('answers 400 to an address that does not decode, never throws, and serves on afterwards', async () => {
    const handler = appProtocolHandler(root, APP_HOST);
    for (const path of ['%', '%E0%A4%A', 'assets/%', '..%c0%af..%c0%afsecret.txt', 'assets/%c0%ae%c0%ae/secret.txt', '%00', 'assets/app.js%00.html']) {
      const url = `app://workstation/${path}`;
      const direct = await serveAppRequest(root, url);
      expect([path, direct.status]).toEqual([path, 400]);
      expect(await direct.text()).not.toContain('secret');
      expect([path, (await handler({ url })).status]).toEqual([path, 400]);
    }
    expect((await handler({ url: 'app://other/index.html' })).status).toBe(404);
    expect((await handler({ url: 'not a url' })).status).toBe(400);
    expect((await handler({ url: 'app://workstation/assets/app.js' })).status).toBe(200);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://workstation/../secret.txt',
      'app://workstation/%2e%2e/secret.txt',
      'app://workstation/assets/..%2f..%2fsecret.txt',
      'app://workstation/missing.js',
    ]) {
      expect((await serveAppRequest(root, url)).status).toBe(404);
    }
  });
});

describe('the preload bridge', () => {
  it('exposes exactly the contract calls, frozen, each sending its own name', async () => {
    const invoke = vi.fn(async () => ({ ok: true as const, value: 1 }));
    const bridge = buildBridge(HOST_CALL_NAMES, invoke);
    expect(Object.keys(bridge).sort()).toEqual([...HOST_CALL_NAMES].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    await bridge['session.current']({});
    expect(invoke).toHaveBeenCalledWith('session.current', {});
  });
});
