import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HallCallError, HallClient } from '../../electron/host/hall-client';
import { HALL_HEADERS, keyFingerprint, responseSigningText } from '../../shared/hall-api';
import { createAuditEvent, type AuditEvent } from '../../shared/audit-chain';
import { generateSm2KeyPair, sm2Sign } from '../../shared/sm';
import { ENGINES, startTestHall, type TestHall } from './helpers';
import { completedCase } from './simulated-workstation';

/** What a machine between the workstation and the hall does to an answer. */
type Tamper = (
  answer: { status: number; body: Buffer; headers: Record<string, string> },
  request: { headers: IncomingMessage['headers']; body: Buffer },
) => void;

/** A proxy in front of the hall that can rewrite answers and records every request it passes. */
async function proxy(target: string, tamper: { current: Tamper | null }, seen: Buffer[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      seen.push(Buffer.concat([Buffer.from(JSON.stringify(req.headers)), body]));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
      const answer = { status: upstream.status, body: Buffer.from(await upstream.arrayBuffer()), headers: {} as Record<string, string> };
      for (const name of ['content-type', HALL_HEADERS.time, HALL_HEADERS.signature]) {
        const value = upstream.headers.get(name);
        if (value) answer.headers[name] = value;
      }
      tamper.current?.(answer, { headers: req.headers, body });
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(ENGINES)("the host's hall client against a real hall (%s)", (engine) => {
  let test: TestHall;
  let dataDir: string;
  const tamper: { current: Tamper | null } = { current: null };
  const seen: Buffer[] = [];
  let middle: Awaited<ReturnType<typeof proxy>>;

  beforeAll(async () => {
    test = await startTestHall(engine);
    dataDir = mkdtempSync(join(tmpdir(), 'hall-client-'));
    middle = await proxy(test.hall.url, tamper, seen);
  });
  afterAll(async () => {
    await middle.close();
    await test.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes its SM2 key pair once, owner-only in the data folder, and keeps it', () => {
    const client = new HallClient({ dataDir, url: test.hall.url });
    const file = join(dataDir, HallClient.FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new HallClient({ dataDir, url: test.hall.url }).publicKey).toBe(client.publicKey);
    expect(client.enrolment).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8')).privateKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a call before enrolment, and a malformed code before asking the hall', async () => {
    const client = new HallClient({ dataDir, url: test.hall.url });
    await expect(client.call('syncState', {})).rejects.toMatchObject({ code: 'NOT_ENROLLED' });
    await expect(client.enrol('WS-CLIENT-01', 'not a code')).rejects.toMatchObject({ code: 'ENROLMENT_CODE_INVALID' });
    await expect(client.enrol('WS-CLIENT-01', 'ABCD-EFGH-JKMN-PQRS')).rejects.toMatchObject({ code: 'ENROLMENT_CODE_INVALID', status: 403 });
  });

  it('does not pin a key handed over by a machine between it and the hall (no proof of the code)', async () => {
    const mallory = generateSm2KeyPair();
    tamper.current = (answer, request) => {
      const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
      body.hallPublicKey = mallory.publicKey;
      answer.body = Buffer.from(JSON.stringify(body));
      const time = new Date().toISOString();
      answer.headers[HALL_HEADERS.time] = time;
      answer.headers[HALL_HEADERS.signature] = sm2Sign(
        responseSigningText({
          status: answer.status,
          requestNonce: String(request.headers[HALL_HEADERS.nonce]),
          bodyDigest: createHash('sm3').update(answer.body).digest('hex'),
          time,
        }),
        mallory.privateKey,
        mallory.publicKey,
      );
    };
    try {
      const client = new HallClient({ dataDir, url: middle.url });
      await expect(client.enrol('WS-CLIENT-01', await test.code())).rejects.toMatchObject({ code: 'ENROLMENT_PROOF_INVALID' });
      expect(new HallClient({ dataDir, url: middle.url }).enrolment).toBeNull();
    } finally {
      tamper.current = null;
    }
  });

  it('enrols again with the same key after an answer it refused or lost, with a new code', async () => {
    const client = new HallClient({ dataDir, url: test.hall.url });
    await expect(client.enrol('WS-CLIENT-01', await test.code())).resolves.toMatchObject({ workstationId: 'WS-CLIENT-01' });
    client.forgetEnrolment();
  });

  it('enrols, pins the hall key and shows its fingerprint, and the pin survives a restart', async () => {
    const client = new HallClient({ dataDir, url: middle.url });
    const enrolment = await client.enrol('WS-CLIENT-01', await test.code());
    expect(enrolment).toMatchObject({
      workstationId: 'WS-CLIENT-01',
      hallId: test.hall.hallId,
      hallPublicKey: test.hall.publicKey,
      hallFingerprint: test.hall.fingerprint,
      url: middle.url,
    });
    expect(enrolment.hallFingerprint).toBe(keyFingerprint(test.hall.publicKey));
    expect(new HallClient({ dataDir, url: middle.url }).enrolment).toEqual(enrolment);
  });

  it('signs its calls, relays a supervisor, and gets typed answers', async () => {
    const client = new HallClient({ dataDir, url: middle.url });
    const state = await client.call('syncState', {});
    expect(state).toMatchObject({ workstationId: 'WS-CLIENT-01', epoch: 1, audit: { highest: 0 } });
    let prev: AuditEvent | null = null;
    const chain: AuditEvent[] = [];
    for (let i = 0; i < 5; i++) {
      prev = createAuditEvent(prev, {
        at: new Date().toISOString(),
        operator: 'OP-1',
        role: 'clerk',
        workstation: 'WS-CLIENT-01',
        case: null,
        kind: 'sign_in',
        details: {},
      });
      chain.push(prev);
    }
    const pushed = await client.call('push', {
      head: { seq: 5, hash: chain[4]!.hash },
      audit: chain,
      records: [{ seq: 1, kind: 'case', case: completedCase({ workstationId: 'WS-CLIENT-01' }) }],
      outbox: null,
    });
    expect(pushed).toMatchObject({ audit: { highest: 5 }, records: { highest: 1 } });
    const trail = await client.call('audit', { workstation: 'WS-CLIENT-01' }, { id: 'OP-PD-0201', role: 'supervisor' });
    expect(trail.rows.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    await expect(client.call('audit', { workstation: 'WS-CLIENT-01' }, { id: 'OP-PD-0101', role: 'clerk' })).rejects.toMatchObject({
      code: 'ROLE_REFUSED',
      status: 403,
    });
    const gap = await client
      .call('push', {
        head: { seq: 5, hash: chain[4]!.hash },
        audit: [],
        records: [{ seq: 3, kind: 'case', case: completedCase({ caseNo: 'WSCLIENT-20261126-0003' }) }],
        outbox: null,
      })
      .catch((e: unknown) => e);
    expect(gap).toBeInstanceOf(HallCallError);
    expect(gap).toMatchObject({ code: 'SEQUENCE_GAP', details: { stream: 'records', highest: 1, epoch: 1 } });
  });

  it('believes no answer that is unsigned or signed by another key', async () => {
    const client = new HallClient({ dataDir, url: middle.url });
    const other = generateSm2KeyPair();
    tamper.current = (answer) => {
      delete answer.headers[HALL_HEADERS.signature];
    };
    try {
      await expect(client.call('syncState', {})).rejects.toMatchObject({ code: 'HALL_SIGNATURE_INVALID' });
      tamper.current = (answer, request) => {
        const time = answer.headers[HALL_HEADERS.time]!;
        answer.headers[HALL_HEADERS.signature] = sm2Sign(
          responseSigningText({
            status: answer.status,
            requestNonce: String(request.headers[HALL_HEADERS.nonce]),
            bodyDigest: createHash('sm3').update(answer.body).digest('hex'),
            time,
          }),
          other.privateKey,
          other.publicKey,
        );
      };
      await expect(client.call('syncState', {})).rejects.toMatchObject({ code: 'HALL_SIGNATURE_INVALID' });
      // The hall's own signature over a changed body does not verify either.
      tamper.current = (answer) => {
        answer.body = Buffer.from(answer.body.toString('utf8').replace('"open"', '"stopped"'));
      };
      await expect(client.call('syncState', {})).rejects.toMatchObject({ code: 'HALL_SIGNATURE_INVALID' });
      // An answer nested thousands deep is not read at all, signed or not.
      tamper.current = (answer) => {
        answer.body = Buffer.from(`{"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
      };
      await expect(client.call('syncState', {})).rejects.toMatchObject({ code: 'HALL_PROTOCOL_ERROR' });
    } finally {
      tamper.current = null;
    }
    expect(await client.call('syncState', {})).toMatchObject({ ingest: 'open' });
  });

  it('never sends its private key, and says when the hall cannot be reached', async () => {
    const privateKey = JSON.parse(readFileSync(join(dataDir, HallClient.FILE), 'utf8')).privateKey as string;
    expect(seen.length).toBeGreaterThan(5);
    for (const request of seen) expect(request.toString('utf8')).not.toContain(privateKey);
    const down = new HallClient({ dataDir, url: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(down.call('syncState', {})).rejects.toMatchObject({ code: 'HALL_UNREACHABLE' });
    // An address that does not parse is no hall that cannot be reached: the client says it is the address.
    const doubled = new HallClient({ dataDir, url: `${test.hall.url}${test.hall.url}` });
    await expect(doubled.enrol('WS-CLIENT-09', 'ABCD-EFGH-JKMN-PQRS')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('大厅地址无效'),
    });
  });
});
