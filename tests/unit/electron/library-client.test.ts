import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibraryClient, type LibraryCallObserver } from '../../../electron/host/library-client';

// A library stand-in that answers each path with a fixed status and the library's error body (docs/library-api.md §1).
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number(/\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status < 400 ? { ok: true } : { error: { code: status === 401 ? 'INVALID_CREDENTIALS' : 'UNAVAILABLE', message: '拒绝' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function outcomeOf(status: number): Promise<Parameters<LibraryCallObserver>[0]> {
  const client = new LibraryClient(baseUrl);
  const seen: Parameters<LibraryCallObserver>[0][] = [];
  client.observe((outcome) => seen.push(outcome));
  await client.request(`/status/${status}`).catch(() => undefined);
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

describe('what the library client tells the link monitor', () => {
  it('counts an answer, and a refusal (4xx) too, as a working link', async () => {
    expect(await outcomeOf(200)).toMatchObject({ ok: true, reachable: true });
    expect(await outcomeOf(401)).toMatchObject({ ok: true, reachable: true });
  });

  it('counts a failing library (5xx) against the link', async () => {
    expect(await outcomeOf(503)).toMatchObject({ ok: false, reachable: false });
  });
});
