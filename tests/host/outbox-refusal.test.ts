import 'fake-indexeddb/auto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpHost, type HttpHost } from '../../electron/host/http-server';
import { createServices } from '../../renderer/app/root';
import { WorkstationDb } from '../../renderer/db/db';
import { createHostClient, httpTransport } from '../../renderer/host/client';
import { enqueue } from '../../renderer/outbox/outbox';
import { startHostRig, type HostRig } from './helpers';

// The renderer's own delivery path, end to end but for the browser: its outbox, its objection
// and usage-record senders as the composition root wires them, and its HTTP transport, against the real browser-mode host and the
// real sandbox behind it. Only fetch is adapted: a page's fetch resolves `/host/...` against
// its origin and sends that Origin; Node's does neither.
const SECRET = 'outbox-refusal-secret-0123';
let rig: HostRig;
let http: HttpHost;
let staticDir: string;

beforeAll(async () => {
  rig = await startHostRig();
  staticDir = mkdtempSync(join(tmpdir(), 'outbox-refusal-'));
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  http = await startHttpHost({ port: 0, staticDir, secret: SECRET, handlers: rig.host.handlers, currentOperator: rig.host.currentOperator });
  const nodeFetch = globalThis.fetch;
  // Only the page's own relative calls: the host, in this same process, reaches the sandbox with fetch too.
  vi.stubGlobal('fetch', (input: string | URL, init: RequestInit = {}) =>
    typeof input === 'string' && input.startsWith('/')
      ? nodeFetch(new URL(input, http.origin), { ...init, headers: { ...(init.headers as Record<string, string>), origin: http.origin } })
      : nodeFetch(input, init),
  );
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await http?.close();
  await rig?.close();
  rmSync(staticDir, { recursive: true, force: true });
});

function renderer() {
  const storage = new Map<string, string>();
  const transport = httpTransport(
    { search: `?key=${SECRET}`, href: `${http.origin}/?key=${SECRET}` } as Location,
    { getItem: (key: string) => storage.get(key) ?? null, setItem: (key: string, value: string) => void storage.set(key, value) } as Storage,
    { state: null, replaceState: () => undefined } as unknown as History,
  );
  const client = createHostClient(transport);
  const db = new WorkstationDb(`outbox-refusal-${Math.random()}`);
  const actor = () => ({ operator: 'OP-PD-0101', role: 'clerk', workstation: 'WS-TEST-01' });
  const { objections, outbox } = createServices({ db, host: client, actor, signedInActor: async () => actor(), outbox: { random: () => 0 } });
  return { client, db, objections, outbox };
}

const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.2019000001.001.T';
const draft = (recorded: unknown) => ({
  licenceId: LICENCE,
  dimension: 'accuracy' as const,
  fields: [{ key: 'address', recorded: recorded as never, claimed: '上海市浦东新区' }],
  description: '住址有误',
  evidence: [],
});

describe('an outbox item the host refuses as nested too deep', () => {
  it('lands in 需要处理 with the reason, is not retried, and the queue goes on', async () => {
    const { client, db, objections, outbox } = renderer();
    await client.call('session.signIn', { username: 'clerk01', password: 'demo' });

    // A face value nested 200 deep (as a broken or hostile library could hand one out), taken
    // into an objection. (Far deeper values overflow the page's own IndexedDB clone first.)
    const deep = JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown;
    const deepId = await objections.file(draft(deep));
    const record = {
      // The name is the hostile value a string field cannot hold: what the host must refuse.
      caseNo: 'WSTEST01-20261127-0001',
      matterCode: 'SH-JD-RZ-104',
      grantId: null,
      holder: { idType: '111' as const, idNumber: '11010519491231002X', name: deep as string },
      operatorId: 'OP-PD-0101',
      workstationId: 'WS-TEST-01',
      completedAt: '2026-11-27T02:00:00Z',
      training: true,
      materials: [{ materialId: 'M01', outcome: 'paper' as const, licenceId: null, paperReason: 'elderly' as const }],
    };
    await enqueue(db, { key: 'usage-deep-0001', kind: 'usage_record', payload: record, createdAt: '2026-11-27T02:00:01Z' });

    // file() started a drain of its own; this one follows it.
    await outbox.flush({ now: true });
    const rows = await db.outbox.where('key').anyOf([deepId, 'usage-deep-0001']).sortBy('key');
    expect(rows.map((row) => [row.key, row.state, row.attempts])).toEqual([
      [deepId, 'needs_attention', 1],
      ['usage-deep-0001', 'needs_attention', 1],
    ]);
    expect(rows.map((row) => row.lastError)).toEqual([expect.stringContaining('嵌套'), expect.stringContaining('嵌套')]);

    // Not sent again by later drains.
    expect(await outbox.flush({ now: true })).toEqual({ delivered: 0, retrying: 0, needsAttention: 0 });
    expect((await db.outbox.toArray()).map((row) => row.attempts)).toEqual([1, 1]);

    // The host and the library are fine: the next objection goes through.
    const goodId = await objections.file(draft('上海市浦东新区张杨路 1 号'));
    await outbox.flush({ now: true });
    expect((await db.outbox.where('key').equals(goodId).first())?.state).toBe('delivered');
    db.close();
  });
});
