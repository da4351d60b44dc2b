import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibraryClient } from '../../electron/host/library-client';
import { HostCallError } from '../../shared/errors';

// A library (or whatever answers at its address) whose answer nests thousands deep: the host's
// schemas and canonical JSON recurse once per level, so such an answer is refused before them.
describe('the library client refuses answers it cannot safely read', () => {
  let server: Server;
  let base: string;
  const answers: Record<string, string> = {
    '/api/v1/deep': `{"items":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    '/api/v1/nested-in-string': JSON.stringify({ note: '['.repeat(10_000), items: [] }),
    '/api/v1/not-json': '<html>gateway</html>',
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answers[req.url ?? ''] ?? '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function outcome(path: string): Promise<{ code: string | null; link: { ok: boolean; reachable: boolean }[] }> {
    const client = new LibraryClient(base);
    const link: { ok: boolean; reachable: boolean }[] = [];
    client.observe(({ ok, reachable }) => link.push({ ok, reachable }));
    try {
      await client.request(path);
      return { code: null, link };
    } catch (error) {
      return { code: error instanceof HostCallError ? error.code : String(error), link };
    }
  }

  it('an answer nested beyond 64 levels is LIBRARY_ERROR: the library answered, but wrongly', async () => {
    expect(await outcome('/deep')).toEqual({ code: 'LIBRARY_ERROR', link: [{ ok: false, reachable: true }] });
    expect(await outcome('/not-json')).toEqual({ code: 'LIBRARY_ERROR', link: [{ ok: false, reachable: true }] });
  });

  it('brackets inside strings are text, not nesting', async () => {
    expect(await outcome('/nested-in-string')).toEqual({ code: null, link: [{ ok: true, reachable: true }] });
  });
});
