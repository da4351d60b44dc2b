import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostHandlers } from '../../../electron/host/dispatch';
import { MAX_BATCH_CALLS, startHttpHost, type HttpHost } from '../../../electron/host/http-server';
import { createHostClient, httpTransport } from '../../../renderer/host/client';
import type { Operator } from '../../../shared/contract';

const SECRET = 'batch-test-secret';
const CLERK: Operator = { id: 'OP-PD-0101', name: '王晓燕', role: 'clerk', unitCode: '310115', unitName: '中心' };

let host: HttpHost;
let operator: Operator | null = CLERK;
/** Each material's pull answers after its own delay: M02 is slow. */
const DELAY: Record<string, number> = { M01: 20, M02: 600, M03: 40 };

beforeAll(async () => {
  const handlers = {
    'app.info': async () => ({
      version: 't',
      workstationId: 'WS-1',
      libraryMode: 'sandbox',
      libraryUrl: 'http://x',
      transport: 'browser',
      paperRetentionDays: 30,
    }),
    'material.pull': async ({ materialId }: { materialId: string }) => {
      await new Promise((resolve) => setTimeout(resolve, DELAY[materialId] ?? 0));
      return { materialId, pulledAt: '2026-11-27T02:00:00.000Z', latencyMs: DELAY[materialId] ?? 0, licences: [] };
    },
  } as unknown as HostHandlers;
  host = await startHttpHost({ port: 0, staticDir: mkdtempSync(join(tmpdir(), 'static-')), secret: SECRET, handlers, currentOperator: () => operator });
});
afterAll(() => host.close());

/** The page's transport in Node: requests counted, sent to the host with the page's Origin. */
function pageClient(secret = SECRET) {
  const sent: string[] = [];
  const location = { search: `?key=${secret}`, href: `${host.origin}/?key=${secret}` } as Location;
  const store = new Map<string, string>();
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage;
  const history = { state: null, replaceState: () => {} } as unknown as History;
  const transport = httpTransport(location, storage, history, (input, init) => {
    sent.push(String(input));
    return fetch(new URL(String(input), host.origin), { ...init, headers: { ...(init?.headers as Record<string, string>), origin: host.origin } });
  });
  return { client: createHostClient(transport), sent };
}

const pull = (materialId: string) => ({ grantId: 'G-1', matterCode: '310000-RS-RC-011', caseNo: 'WS1-20261127-0001', materialId, purpose: '办理人才引进落户' });

describe('host calls made together (browser mode)', () => {
  it('go as one request, each answered as soon as it is done', async () => {
    const { client, sent } = pageClient();
    const resolved: string[] = [];
    const calls = ['M01', 'M02', 'M03'].map((id) => client.call('material.pull', pull(id)).then((answer) => resolved.push(answer.materialId)));
    // More than a browser's six connections to one host would carry at once.
    const infos = Array.from({ length: 7 }, () => client.call('app.info', {}));
    await calls[2];
    expect(resolved).toEqual(['M01', 'M03']);
    await Promise.all([...calls, ...infos]);
    expect(resolved).toEqual(['M01', 'M03', 'M02']);
    expect(sent).toEqual(['/host/_batch']);
  });

  it('a call made alone goes as before', async () => {
    const { client, sent } = pageClient();
    await expect(client.call('app.info', {})).resolves.toMatchObject({ workstationId: 'WS-1' });
    expect(sent).toEqual(['/host/app.info']);
  });

  it('are each checked as if they had come alone: name, input, role', async () => {
    const { client } = pageClient();
    const results = await Promise.allSettled([
      client.call('material.pull', pull('M01')),
      client.call('material.pull', { ...pull('M01'), extra: 1 } as never),
      client.call('no.such.call' as never, {} as never),
    ]);
    expect(results[0]).toMatchObject({ status: 'fulfilled' });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'BAD_REQUEST' } });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: { code: 'UNKNOWN_CALL' } });
    operator = null;
    try {
      const locked = await Promise.allSettled([client.call('material.pull', pull('M01')), client.call('app.info', {})]);
      expect(locked[0]).toMatchObject({ status: 'rejected', reason: { code: 'UNAUTHENTICATED' } });
      expect(locked[1]).toMatchObject({ status: 'fulfilled' });
    } finally {
      operator = CLERK;
    }
  });

  it('are refused together without the secret, or from another origin', async () => {
    const { client } = pageClient('not-the-secret');
    const results = await Promise.allSettled([client.call('app.info', {}), client.call('app.info', {})]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as { code: string }).code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    const foreign = await fetch(`${host.origin}/host/_batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example', 'x-workstation-key': SECRET },
      body: JSON.stringify({ calls: [{ name: 'app.info', input: {} }] }),
    });
    expect(foreign.status).toBe(403);
  });

  it(`hold 1 to ${MAX_BATCH_CALLS} calls`, async () => {
    const post = (calls: unknown) =>
      fetch(`${host.origin}/host/_batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: host.origin, 'x-workstation-key': SECRET },
        body: JSON.stringify({ calls }),
      });
    expect((await post([])).status).toBe(400);
    expect((await post(Array.from({ length: MAX_BATCH_CALLS + 1 }, () => ({ name: 'app.info', input: {} })))).status).toBe(400);
    expect((await post('app.info')).status).toBe(400);
    // The page splits a larger burst into several batches.
    const { client, sent } = pageClient();
    await Promise.all(Array.from({ length: MAX_BATCH_CALLS + 3 }, () => client.call('app.info', {})));
    expect(sent).toEqual(['/host/_batch', '/host/_batch']);
  });

  it('fail, each with the sentence for a host that is gone, when the connection breaks', async () => {
    const location = { search: '', href: 'http://127.0.0.1:1/' } as Location;
    const storage = { getItem: () => SECRET, setItem: () => {} } as unknown as Storage;
    const transport = httpTransport(location, storage, { state: null, replaceState: () => {} } as unknown as History, () =>
      Promise.reject(new TypeError('fetch failed')),
    );
    const client = createHostClient(transport);
    const results = await Promise.allSettled([client.call('app.info', {}), client.call('app.info', {})]);
    for (const r of results)
      expect(r).toMatchObject({ status: 'rejected', reason: { code: 'INTERNAL', message: expect.stringContaining('无法连接工作台主机程序') } });
  });
});
