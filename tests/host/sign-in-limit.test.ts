import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/errors';
import { startHostRig, type HostRig } from './helpers';

// Sign-in cannot be guessed (issue 11, item 2): a limit per username and per workstation, online
// and offline alike; offline, an unknown account and a wrong password answer alike; and the
// sandbox's hashing leaves the host's event loop free.

/** A host over a sandbox, with a clock the test moves forward (never back: waits are absolute). */
function rigWithClock() {
  const clock = { offsetMs: 0, advance: (seconds: number) => (clock.offsetMs += seconds * 1000) };
  let rig!: HostRig;
  beforeAll(async () => {
    rig = await startHostRig({ now: () => new Date(Date.now() + clock.offsetMs) });
  }, 60_000);
  afterAll(async () => rig?.close());
  return { clock, rig: () => rig };
}

const signIn = (rig: HostRig, username: string, password: string) => rig.call('session.signIn', { username, password });
const errorOf = (result: HostResult<unknown>) => (result.ok ? null : result.error);

describe('online, per username', () => {
  const { clock, rig } = rigWithClock();

  it('takes five wrong passwords, then makes every attempt wait — the right password too — and says how long', async () => {
    for (let i = 1; i <= 4; i++) {
      expect(errorOf(await signIn(rig(), 'clerk01', `wrong-${i}`))).toMatchObject({
        code: 'INVALID_CREDENTIALS',
        message: '用户名或密码不正确，请核对后重新输入。',
      });
    }
    const fifth = errorOf(await signIn(rig(), 'clerk01', 'wrong-5'));
    expect(fifth).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringContaining('请 30 秒后再试'), details: { retryAfterSeconds: 30 } });
    const right = errorOf(await signIn(rig(), 'clerk01', 'demo'));
    expect(right).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', message: expect.stringMatching(/登录失败次数过多.*请 (29|30) 秒后再试/) });
    // Another spelling of the same account is the same account.
    expect(errorOf(await signIn(rig(), ' CLERK01 ', 'demo'))).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    // Another account is not held up by clerk01's failures.
    await expect(rig().ok('session.signIn', { username: 'clerk02', password: 'demo' })).resolves.toMatchObject({ offline: false });
    await rig().ok('session.signOut', {});

    clock.advance(31);
    await expect(rig().ok('session.signIn', { username: 'clerk01', password: 'demo' })).resolves.toMatchObject({ operator: { id: 'OP-PD-0101' } });
    await rig().ok('session.signOut', {});
  });

  it('makes each wait after the fifth failure twice as long', async () => {
    // The success above cleared clerk01's count.
    for (let i = 1; i <= 4; i++) await signIn(rig(), 'clerk01', `again-${i}`);
    const waits: string[] = [];
    for (let i = 0; i < 3; i++) {
      const failed = errorOf(await signIn(rig(), 'clerk01', `more-${i}`))!;
      expect(failed.code).toBe('INVALID_CREDENTIALS');
      waits.push(/请 (.+?)后再试/.exec(failed.message)![1]!);
      clock.advance((failed.details as { retryAfterSeconds: number }).retryAfterSeconds + 1);
    }
    expect(waits).toEqual(['30 秒', '1 分钟', '2 分钟']);
  });

  it('lets many attempts sent at once try no more than the limit allows', async () => {
    clock.advance(2 * 3600);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(rig(), 'super01', `guess-${i}`)));
    const codes = answers.map((answer) => errorOf(answer)?.code);
    expect(codes.filter((code) => code === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(codes.filter((code) => code === 'TOO_MANY_ATTEMPTS')).toHaveLength(35);
  });
});

describe('per workstation', () => {
  const { clock, rig } = rigWithClock();

  it('stops guessing across many usernames after twenty failures, whichever account comes next', async () => {
    for (let i = 1; i <= 19; i++) expect(errorOf(await signIn(rig(), `guess${i}`, 'demo'))?.code).toBe('INVALID_CREDENTIALS');
    expect(errorOf(await signIn(rig(), 'guess20', 'demo'))).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringContaining('30 秒') });
    expect(errorOf(await signIn(rig(), 'clerk02', 'demo'))).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', message: expect.stringContaining('秒后再试') });
    clock.advance(31);
    await expect(rig().ok('session.signIn', { username: 'clerk02', password: 'demo' })).resolves.toMatchObject({ offline: false });
    await rig().ok('session.signOut', {});
  });
});

describe('offline', () => {
  const { clock, rig } = rigWithClock();

  it('answers an unknown account, an account not seen online and a wrong password alike, and limits them as online', async () => {
    await rig().ok('session.signIn', { username: 'clerk02', password: 'demo' });
    await rig().ok('session.signOut', {});
    await rig().sandbox('/faults', { body: { down: true } });
    try {
      const wrong = errorOf(await signIn(rig(), 'clerk02', 'wrong'));
      const unknown = errorOf(await signIn(rig(), 'nobody', 'demo'));
      const neverOnline = errorOf(await signIn(rig(), 'super01', 'demo'));
      expect(wrong).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringContaining('7 天') });
      expect(unknown).toEqual(wrong);
      expect(neverOnline).toEqual(wrong);

      for (let i = 2; i <= 4; i++) expect(errorOf(await signIn(rig(), 'clerk02', `wrong-${i}`))?.code).toBe('INVALID_CREDENTIALS');
      expect(errorOf(await signIn(rig(), 'clerk02', 'wrong-5'))).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringContaining('30 秒') });
      expect(errorOf(await signIn(rig(), 'clerk02', 'demo'))).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
      clock.advance(31);
      await expect(rig().ok('session.signIn', { username: 'clerk02', password: 'demo' })).resolves.toMatchObject({ offline: true });
      await rig().ok('session.signOut', {});
    } finally {
      await rig().sandbox('/faults', { body: { down: false } });
    }
  });
});

describe('the sandbox in the host process', () => {
  const { rig } = rigWithClock();

  it('hashes forty parallel sign-ins without holding up a host call', async () => {
    // Straight at the embedded sandbox, as a script on the machine could: the host's own limit
    // does not shield the sandbox's hashing, which runs in the host's process. Forty connections
    // first, then forty requests written at once, so that all of them are waiting in the sandbox
    // before the host call below starts.
    const { port } = new URL(rig().sandboxUrl);
    const sockets = await Promise.all(
      Array.from(
        { length: 40 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    const answers = sockets.map(
      (socket) =>
        new Promise<{ status: number; at: number }>((resolve, reject) => {
          let text = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => (text += chunk));
          socket.once('error', reject);
          socket.once('end', () => resolve({ status: Number(text.slice(9, 12)), at: performance.now() }));
        }),
    );
    sockets.forEach((socket, i) => {
      const body = JSON.stringify({ username: 'clerk01', password: `guess-${i}`, workstationId: 'WS-OTHER-01' });
      socket.write(
        `POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    // A host call that needs the event loop: the link probe, an HTTP round trip to the sandbox
    // with the host's own 3 s timeout. Were the hashing on the event loop (scryptSync), the probe
    // would wait behind the hashes, time out and show the library 离线 to the clerk.
    const status = await rig().ok('library.status', {});
    const probedAt = performance.now();
    const answered = await Promise.all(answers);
    expect(answered.map((a) => a.status)).toEqual(Array.from({ length: 40 }, () => 401));
    expect(status.state).not.toBe('offline');
    expect(probedAt).toBeLessThan(Math.max(...answered.map((a) => a.at)));
  }, 90_000);
});
