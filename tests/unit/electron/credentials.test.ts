import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScryptOptions } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { CredentialStore, OFFLINE_SIGN_IN_DAYS } from '../../../electron/host/credentials';
import type { Operator } from '../../../shared/contract';

// Every scrypt the store runs, with its parameters: the offline check must cost the same work
// whether the account is known or not.
const scryptRuns = vi.hoisted(() => [] as Array<{ keylen: number; options: ScryptOptions }>);
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const scrypt = (...args: Parameters<typeof actual.scrypt>) => {
    scryptRuns.push({ keylen: args[2] as number, options: args[3] as ScryptOptions });
    return (actual.scrypt as (...a: unknown[]) => void)(...args);
  };
  return { ...actual, default: { ...actual, scrypt }, scrypt };
});

const CLERK: Operator = { id: 'clerk01', name: '王敏', role: 'clerk', unitCode: '310115', unitName: '浦东新区行政服务中心' };
const LIBRARY = 'https://library.example/api';

function storeAt(now: { value: Date }, file = join(mkdtempSync(join(tmpdir(), 'credentials-')), 'operators.json')): { store: CredentialStore; file: string } {
  return { store: new CredentialStore(file, () => now.value), file };
}

describe('CredentialStore (offline sign-in verifiers)', () => {
  it('accepts the password of an online sign-in, and no other', async () => {
    const now = { value: new Date('2026-11-27T08:00:00Z') };
    const { store } = storeAt(now);
    await store.remember(LIBRARY, 'clerk01', 'demo-密码', CLERK);
    expect(await store.check(LIBRARY, 'clerk01', 'demo-密码')).toEqual(CLERK);
    expect(await store.check(LIBRARY, 'clerk01', 'demo')).toBe('mismatch');
    expect(await store.check(LIBRARY, 'clerk02', 'demo-密码')).toBe('unknown');
    // Another library's accounts (the training sandbox's) never open this one.
    expect(await store.check('http://127.0.0.1:47616', 'clerk01', 'demo-密码')).toBe('unknown');
  });

  it(`refuses a verifier older than ${OFFLINE_SIGN_IN_DAYS} days, or dated in the future`, async () => {
    const now = { value: new Date('2026-11-27T08:00:00Z') };
    const { store } = storeAt(now);
    await store.remember(LIBRARY, 'clerk01', 'demo', CLERK);
    now.value = new Date('2026-12-04T08:00:00Z');
    expect(await store.check(LIBRARY, 'clerk01', 'demo')).toEqual(CLERK);
    now.value = new Date('2026-12-04T08:00:01Z');
    expect(await store.check(LIBRARY, 'clerk01', 'demo')).toBe('stale');
    now.value = new Date('2026-11-27T07:59:59Z');
    expect(await store.check(LIBRARY, 'clerk01', 'demo')).toBe('stale');
  });

  it('keeps a salted hash in a file only its owner reads, never the password, and reads it back', async () => {
    const now = { value: new Date('2026-11-27T08:00:00Z') };
    const { store, file } = storeAt(now);
    await store.remember(LIBRARY, 'clerk01', 'demo-密码', CLERK);
    await store.remember(LIBRARY, 'clerk02', 'demo-密码', { ...CLERK, id: 'clerk02' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('demo');
    const saved = JSON.parse(text) as Record<string, { salt: string; hash: string }>;
    const [first, second] = Object.values(saved);
    // One salt per verifier: the same password does not give the same hash.
    expect(first!.salt).not.toBe(second!.salt);
    expect(first!.hash).not.toBe(second!.hash);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await new CredentialStore(file, () => now.value).check(LIBRARY, 'clerk02', 'demo-密码')).toEqual({ ...CLERK, id: 'clerk02' });
  });

  it('does the same work for an unknown account, a stale verifier and a wrong password', async () => {
    const now = { value: new Date('2026-11-27T08:00:00Z') };
    const { store } = storeAt(now);
    await store.remember(LIBRARY, 'clerk01', 'demo', CLERK);
    await store.remember(LIBRARY, 'clerk02', 'demo', { ...CLERK, id: 'clerk02' });
    now.value = new Date('2026-12-01T08:00:00Z');
    await store.remember(LIBRARY, 'clerk02', 'demo', { ...CLERK, id: 'clerk02' });
    now.value = new Date('2026-12-04T09:00:00Z');
    const runsOf = async (username: string, password: string) => {
      scryptRuns.length = 0;
      const answer = await store.check(LIBRARY, username, password);
      return { answer, runs: [...scryptRuns] };
    };
    const wrong = await runsOf('clerk02', 'wrong');
    const unknown = await runsOf('nobody', 'demo');
    const stale = await runsOf('clerk01', 'demo');
    const right = await runsOf('clerk02', 'demo');
    expect([wrong.answer, unknown.answer, stale.answer]).toEqual(['mismatch', 'unknown', 'stale']);
    expect(right.answer).toMatchObject({ id: 'clerk02' });
    expect(wrong.runs).toHaveLength(1);
    for (const other of [unknown, stale, right]) expect(other.runs).toEqual(wrong.runs);
  });

  it('starts empty from a missing or damaged file instead of failing the host', async () => {
    const now = { value: new Date('2026-11-27T08:00:00Z') };
    const dir = mkdtempSync(join(tmpdir(), 'credentials-'));
    writeFileSync(join(dir, 'damaged.json'), '{"x": ');
    expect(await new CredentialStore(join(dir, 'damaged.json'), () => now.value).check(LIBRARY, 'clerk01', 'demo')).toBe('unknown');
    expect(await new CredentialStore(join(dir, 'missing.json'), () => now.value).check(LIBRARY, 'clerk01', 'demo')).toBe('unknown');
  });

  it('hashes off the event loop: timers keep firing while a check runs', async () => {
    const now = { value: new Date('2026-11-27T08:00:00Z') };
    const { store } = storeAt(now);
    await store.remember(LIBRARY, 'clerk01', 'demo', CLERK);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let ticksWhenAnswered = -1;
    // A synchronous scrypt would hash all four before the first timer could fire.
    const answers = await Promise.all(Array.from({ length: 4 }, () => store.check(LIBRARY, 'clerk01', 'demo'))).then((all) => {
      ticksWhenAnswered = ticks;
      return all;
    });
    clearInterval(timer);
    expect(answers).toEqual([CLERK, CLERK, CLERK, CLERK]);
    expect(ticksWhenAnswered).toBeGreaterThan(0);
  });
});
