import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_HTTP_STATUS } from '../../shared/library-api';
import { openSandbox, type TestSandbox } from './helpers';

// docs/library-api.md is the API as the repo documents it; these checks keep it in step with
// the sandbox: every route of its index is served, and its error table is the code's.
const doc = readFileSync(new URL('../../docs/library-api.md', import.meta.url), 'utf8');
const index = doc.slice(doc.indexOf('## 12. Route index'));
const ROUTES = [...index.matchAll(/^\| `(GET|POST) (\/[^`]+)` \| §\d+ \|$/gm)].map((m) => ({ method: m[1]!, path: m[2]! }));
const ERRORS = [...doc.matchAll(/^ {2}\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])] as const);

const HOLDER = '310115199709281086';
const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.2019000001.001.T';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await openSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('docs/library-api.md', () => {
  it('lists the routes it describes, each in its section', () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(30);
    for (const { method, path } of ROUTES) {
      const tail = path.replace(/^\/api\/v1(\/_sandbox)?/, '');
      expect(doc.slice(0, doc.indexOf('## 12.')), `${method} ${path}`).toContain(`${method} ${tail}`);
    }
  });

  it('names only routes the sandbox serves', async () => {
    const auth = await sandbox.signIn();
    for (const { method, path } of ROUTES) {
      const concrete = path.replace('{idNumber}', HOLDER).replace('{id}', path.includes('objections') ? 'OBJ-DOC-1' : LICENCE);
      const res = await sandbox.call(method, concrete, { token: auth, headers: { 'content-type': 'application/json' } });
      const unknownRoute = res.status === 404 && typeof res.json === 'object' && String(res.json?.error?.message).startsWith('接口不存在');
      expect(unknownRoute, `${method} ${path} → ${res.status} ${JSON.stringify(res.json).slice(0, 120)}`).toBe(false);
    }
  });

  it('has the error codes and statuses of shared/library-api.ts', () => {
    expect(Object.fromEntries(ERRORS)).toEqual(ERROR_HTTP_STATUS);
  });
});
