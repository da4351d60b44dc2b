import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialStore } from '../../../electron/host/credentials';
import type { Operator } from '../../../shared/contract';

const CLERK: Operator = { id: 'OP-PD-0101', name: '王晓燕', role: 'clerk', unitCode: '310115', unitName: '浦东新区行政服务中心' };
const LIBRARY = 'sandbox:root-1';

describe('an offline verifier still being hashed', () => {
  it('is waited for by an offline check, so a sign-in need not wait for the hashing', async () => {
    const store = new CredentialStore(join(mkdtempSync(join(tmpdir(), 'credentials-')), 'operators.json'));
    // The online sign-in goes on without awaiting this (electron/host/session.ts).
    const hashing = store.remember(LIBRARY, 'clerk01', 'demo', CLERK);
    expect(await store.check(LIBRARY, 'clerk01', 'demo')).toEqual(CLERK);
    expect(await store.check(LIBRARY, 'clerk01', 'wrong')).toBe('mismatch');
    await hashing;
  });

  it('keeps the latest of two sign-ins in a row', async () => {
    const store = new CredentialStore(join(mkdtempSync(join(tmpdir(), 'credentials-')), 'operators.json'));
    void store.remember(LIBRARY, 'clerk01', 'old', CLERK);
    void store.remember(LIBRARY, 'clerk01', 'new', CLERK);
    expect(await store.check(LIBRARY, 'clerk01', 'new')).toEqual(CLERK);
    expect(await store.check(LIBRARY, 'clerk01', 'old')).toBe('mismatch');
  });
});
