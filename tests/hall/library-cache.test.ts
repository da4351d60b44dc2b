import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';
import { checkTrustList } from '../../shared/trust';
import { generateSm2KeyPair } from '../../shared/sm';
import { ENGINES, enrolled, startTestHall, type TestHall } from './helpers';
import { type TestWorkstation } from './simulated-workstation';

describe.each(ENGINES)("the hall's cache of the library (%s)", (engine) => {
  let sandboxDir: string;
  let sandbox: RunningSandbox;
  let test: TestHall;
  let ws: TestWorkstation;

  beforeAll(async () => {
    sandboxDir = mkdtempSync(join(tmpdir(), 'hall-library-'));
    sandbox = await startSandbox({ dataDir: sandboxDir });
    // The sandbox's demo account with the fewest rights (README: the hall's library account).
    test = await startTestHall(engine, { library: { url: sandbox.url, rootKey: sandbox.rootKey, username: 'officer01', password: 'demo' } });
    ws = await enrolled(test, 'WS-REF-01');
  });
  afterAll(async () => {
    await test.stop();
    await sandbox.close();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  it('fetches the catalog, the matters and the trust list, verified against the pinned root key, and serves them to its workstations', async () => {
    const outcome = await test.hall.library.refresh();
    expect(outcome).toMatchObject({ ok: true, error: null });
    const trust = await ws.call('GET', '/api/v1/reference/trust');
    expect(trust.status).toBe(200);
    expect(trust.signedBy(test.hall.publicKey)).toBe(true);
    // The workstation checks the signature itself: the list is the library's, unchanged.
    expect(checkTrustList(trust.json.body, sandbox.rootKey).ok).toBe(true);
    const library = await (await fetch(`${sandbox.url}/api/v1/trust`)).json();
    expect(trust.json.body).toEqual(library);
    const signIn = await (
      await fetch(`${sandbox.url}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'clerk01', password: 'demo', workstationId: 'T' }),
      })
    ).json();
    for (const name of ['catalog', 'matters']) {
      const answer = await ws.call('GET', `/api/v1/reference/${name}`);
      expect(answer.status).toBe(200);
      expect(answer.json.version).toMatch(/.+/);
      expect(Date.parse(answer.json.fetchedAt)).toBeGreaterThan(Date.now() - 60_000);
      const direct = await (await fetch(`${sandbox.url}/api/v1/${name}`, { headers: { authorization: `Bearer ${signIn.token}` } })).json();
      expect(answer.json.body).toEqual(direct);
    }
  });

  it('revalidates with the ETag and keeps serving the cache while the library is down', async () => {
    const before = (await ws.call('GET', '/api/v1/reference/matters')).json;
    test.advance(60_000);
    const again = await test.hall.library.refresh();
    expect(again).toEqual({ ok: true, updated: [], error: null });
    const refreshed = (await ws.call('GET', '/api/v1/reference/matters')).json;
    expect(refreshed.version).toBe(before.version);
    expect(Date.parse(refreshed.fetchedAt)).toBeGreaterThan(Date.parse(before.fetchedAt));

    await sandbox.close();
    const down = await test.hall.library.refresh();
    expect(down.ok).toBe(false);
    const cached = await ws.call('GET', '/api/v1/reference/matters');
    expect(cached.json).toEqual(refreshed);
    sandbox = await startSandbox({ dataDir: sandboxDir, port: sandbox.port });
  });

  it('refuses a trust list that does not verify against its pinned root key, and serves nothing it has not verified', async () => {
    const other = await startTestHall(engine, {
      library: { url: sandbox.url, rootKey: { kid: sandbox.rootKey.kid, publicKey: generateSm2KeyPair().publicKey }, username: 'officer01', password: 'demo' },
    });
    try {
      const outcome = await other.hall.library.refresh();
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toContain('bad_signature');
      const station = await enrolled(other, 'WS-REF-02');
      for (const name of ['trust', 'catalog', 'matters']) {
        const answer = await station.call('GET', `/api/v1/reference/${name}`);
        expect([answer.status, answer.json.error.code]).toEqual([503, 'REFERENCE_UNAVAILABLE']);
      }
    } finally {
      await other.stop();
    }
  });

  it('says so when no library is configured', async () => {
    const bare = await startTestHall(engine);
    try {
      const station = await enrolled(bare, 'WS-REF-03');
      const answer = await station.call('GET', '/api/v1/reference/catalog');
      expect(answer.status).toBe(503);
      expect(answer.json.error.message).toContain('未配置市电子证照库');
    } finally {
      await bare.stop();
    }
  });
});
