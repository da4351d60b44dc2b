import { describe, expect, it } from 'vitest';
import type { CredentialStore } from '../../../electron/host/credentials';
import type { LibraryClient } from '../../../electron/host/library-client';
import { OperatorSession, type EndedSession } from '../../../electron/host/session';
import type { Operator } from '../../../shared/contract';

const CLERK: Operator = { id: 'OP-PD-0101', name: '王晓燕', role: 'clerk', unitCode: '11310115MB2C47311H', unitName: '浦东新区企业服务中心' };

/** A library that signs anyone in for `lifetimeMs`. */
function library(lifetimeMs: number): LibraryClient {
  return {
    observe: () => () => true,
    request: async () => ({
      status: 201,
      etag: null,
      body: { token: 't'.repeat(32), expiresAt: new Date(Date.now() + lifetimeMs).toISOString(), operator: CLERK },
    }),
  } as unknown as LibraryClient;
}

function session(lifetimeMs: number): { session: OperatorSession; ended: EndedSession[] } {
  // No offline verifiers here: this is about the online session's end.
  const credentials = { remember: async () => undefined, check: async () => 'unknown' } as unknown as CredentialStore;
  const s = new OperatorSession(library(lifetimeMs), () => 'WS-TEST-01', credentials, 'sandbox:test');
  const ended: EndedSession[] = [];
  s.onEnd((e) => ended.push(e));
  return { session: s, ended };
}

describe('the end of an operator session', () => {
  it('is announced once for a sign-out, with the sitting it ends', async () => {
    const { session: s, ended } = session(3_600_000);
    await s.signIn('clerk01', 'demo');
    const id = s.sessionId();
    expect(id).toEqual(expect.any(String));
    expect(s.signOut()).toBe(true);
    expect(s.signOut()).toBe(false);
    expect(ended).toEqual([{ sessionId: id, operator: CLERK }]);
  });

  it('is announced for a new sign-in over an open one, which starts a new sitting', async () => {
    const { session: s, ended } = session(3_600_000);
    await s.signIn('clerk01', 'demo');
    const first = s.sessionId();
    await s.signIn('clerk01', 'demo');
    expect(ended.map((e) => e.sessionId)).toEqual([first]);
    expect(s.sessionId()).not.toBe(first);
    s.signOut();
  });

  it('comes at the expiry by itself, without waiting for a call', async () => {
    const { session: s, ended } = session(100);
    await s.signIn('clerk01', 'demo');
    const id = s.sessionId();
    // Nothing asks the session anything; its own timer ends it shortly after expiry (+1 s margin).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ended).toEqual([{ sessionId: id, operator: CLERK }]);
  });
});
