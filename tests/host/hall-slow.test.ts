import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedHall, type EmbeddedHall } from '../../electron/host/embedded-hall';
import { embeddedSandbox, type EmbeddedSandbox } from '../../electron/host/embedded-sandbox';
import { dispatchHostCall } from '../../electron/host/dispatch';
import { createHost, type Host } from '../../electron/host/host';
import type { RunningHall } from '../../hall/index';
import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import type { PushRequest } from '../../shared/hall-api';
import { HALL_ANSWER_MEMORY_MS } from '../../shared/hall-reach';
import { TestWorkstation } from '../hall/simulated-workstation';

// The header's hall link with a slow hall (README → The hall link in the header): a real hall
// behind a proxy that holds every answer for 3.5 s. The header's status probe gives up after
// 3 s; the sync's calls wait longer and are answered. Such a hall is 大厅响应缓慢 (`slow`), not
// 大厅离线 — offline is for a hall that does not answer at all.

const dirs: string[] = [];
let sandbox: EmbeddedSandbox;
let hall: EmbeddedHall;
let running: RunningHall;
let host: Host;
// The host's clock runs ahead of the real one by this much (a hall quiet for minutes).
let ahead = 0;

/** A proxy in front of the hall that holds each answer for `delayMs`. */
async function slowProxy(target: string): Promise<{ url: string; delayMs: number; close(): Promise<void> }> {
  const state = { delayMs: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        await new Promise((resolve) => setTimeout(resolve, state.delayMs));
        try {
          const headers = Object.fromEntries(
            Object.entries(request.headers as IncomingHttpHeaders).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
          ) as Record<string, string>;
          const answer = await fetch(`${target}${request.url}`, { method: request.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
          const body = Buffer.from(await answer.arrayBuffer());
          const out: Record<string, string> = {};
          answer.headers.forEach((value, name) => {
            if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'].includes(name)) out[name] = value;
          });
          response.writeHead(answer.status, out).end(body);
        } catch {
          response.destroy();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function ok<N extends HostCallName>(name: N, input: HostInput<N>): Promise<HostOutput<N>> {
  const result = await dispatchHostCall(host.handlers, host.currentOperator, name, input);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as HostOutput<N>;
}

const ws = new TestWorkstation('unused', 'WS-SLOW-01');
/** The chain's events from `from` on, as the sync pushes them. */
function pushFrom(from: number): PushRequest {
  return {
    head: ws.head(),
    audit: ws.chain.filter((e) => e.seq >= from),
    records: [],
    outbox: { at: new Date().toISOString(), usageRecords: { count: 0, oldestAt: null }, objections: { count: 0, oldestAt: null }, needsAttention: 0 },
  };
}

let proxy: Awaited<ReturnType<typeof slowProxy>>;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'host-hall-slow-'));
  dirs.push(root);
  sandbox = embeddedSandbox(root);
  hall = embeddedHall(join(root, 'hall-node'));
  await hall.open();
  running = (await hall.running())!;
  proxy = await slowProxy(running.url);
  const dataDir = join(root, 'ws');
  host = await createHost({
    version: 'test',
    transport: 'browser',
    dataDir,
    settings: { libraryUrl: null, rootKey: null, workstationId: 'WS-SLOW-01', paperRetentionDays: 30 },
    settingsFile: join(dataDir, 'settings.json'),
    openSandbox: sandbox.open,
    hall: { url: proxy.url, openEmbedded: null },
    now: () => new Date(Date.now() + ahead),
  });
  await ok('session.signIn', { username: 'super01', password: 'demo' });
  await ok('hall.enrol', { url: proxy.url, code: (await running.enrolmentCode()).code });
  ws.appendEvents(3);
  await ok('hall.sync.push', pushFrom(1));
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await hall?.close();
  await sandbox?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the hall link with a hall that answers in 3.5 s', () => {
  it('is online while the hall answers promptly', async () => {
    expect(await ok('hall.status', {})).toMatchObject({ enrolled: true, state: 'online', lastError: null, sync: { audit: { highest: 3 } } });
  });

  it('is slow, not offline, once the hall answers in 3.5 s: the sync’s push is answered, the 3-second probe gives up', async () => {
    proxy.delayMs = 3_500;
    ws.appendEvents(2);
    expect(await ok('hall.sync.push', pushFrom(4))).toMatchObject({ audit: { highest: 5 } });
    for (let probe = 0; probe < 2; probe++) {
      const status = await ok('hall.status', {});
      expect(status).toMatchObject({
        enrolled: true,
        state: 'slow',
        sync: null,
        lastError: { code: 'HALL_UNAVAILABLE', message: expect.stringContaining('响应缓慢') },
      });
    }
  }, 30_000);

  it('is offline when such a hall has answered nothing for more than two minutes', async () => {
    ahead = HALL_ANSWER_MEMORY_MS + 10_000;
    expect(await ok('hall.status', {})).toMatchObject({ state: 'offline', lastError: { code: 'HALL_UNAVAILABLE' } });
    // The sync reaches it again: slow again.
    ws.appendEvents(1);
    expect(await ok('hall.sync.push', pushFrom(6))).toMatchObject({ audit: { highest: 6 } });
    expect(await ok('hall.status', {})).toMatchObject({ state: 'slow' });
  }, 30_000);

  it('is offline at once when nothing answers at all (the connection refused)', async () => {
    await proxy.close();
    expect(await ok('hall.status', {})).toMatchObject({
      state: 'offline',
      lastError: { code: 'HALL_UNAVAILABLE', message: expect.stringContaining('暂时无法连接') },
    });
  });
});
