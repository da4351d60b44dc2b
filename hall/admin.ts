/**
 * The hall administrator's door: `npm run hall -- enrol | workstations | revoke` on the hall's
 * own machine. A running hall listens on a local socket in its data folder (owner-only); the
 * command talks to it there, because PGlite is one process's database and must not be opened
 * twice. With no hall running, the command opens the database itself.
 *
 * The socket doubles as the data folder's lock: a second hall started on the same folder finds
 * it answering and refuses to start.
 */
import { createServer, request, type Server } from 'node:http';
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WorkstationId } from '../shared/hall-api';
import { HallError, parseJson, readBody, Router, validate } from './http';

/** Where the admin socket of a data folder is. */
export function adminSocketPath(dataDir: string): string {
  const absolute = resolve(dataDir);
  const digest = createHash('sha256').update(absolute).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\elicence-hall-${digest}`;
  const inFolder = join(absolute, 'hall-admin.sock');
  // A Unix socket's path is limited to about 107 bytes.
  return Buffer.byteLength(inFolder) <= 100 ? inFolder : join(tmpdir(), `elicence-hall-${digest}.sock`);
}

/** What the administrator can do. */
export interface AdminActions {
  enrolmentCode(): Promise<{ code: string; expiresAt: string; hallId: string; fingerprint: string }>;
  workstations(): Promise<unknown>;
  revoke(workstationId: string, reason: string): Promise<unknown>;
}

/** A call of the admin door. */
export type AdminCall = { action: 'enrol' } | { action: 'workstations' } | { action: 'revoke'; workstationId: string; reason: string };

/** Calls a running hall through its socket; null when no hall is listening there. */
export function callRunningHall(dataDir: string, call: AdminCall): Promise<unknown> {
  const socketPath = adminSocketPath(dataDir);
  if (process.platform !== 'win32' && !existsSync(socketPath)) return Promise.resolve(null);
  const [method, path, body] =
    call.action === 'enrol'
      ? ['POST', '/admin/enrolment-codes', {}]
      : call.action === 'workstations'
        ? ['GET', '/admin/workstations', null]
        : ['POST', `/admin/workstations/${encodeURIComponent(call.workstationId)}/revoke`, { reason: call.reason }];
  return new Promise((resolvePromise, reject) => {
    const req = request({ socketPath, method, path, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { message: string } };
        if ((res.statusCode ?? 500) >= 400) reject(new Error(value.error?.message ?? `hall answered ${res.statusCode}`));
        else resolvePromise(value);
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolvePromise(null);
      else reject(error);
    });
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const routes = [
  { method: 'POST', path: '/admin/enrolment-codes' },
  { method: 'GET', path: '/admin/workstations' },
  { method: 'POST', path: '/admin/workstations/:workstation/revoke' },
] as const;

/**
 * Listens on the data folder's admin socket. Refuses (throws) when a hall already answers
 * there; removes a socket file left by a hall that died.
 */
export async function listenAdmin(dataDir: string, actions: AdminActions, log: (line: string) => void): Promise<Server> {
  const socketPath = adminSocketPath(dataDir);
  if (await callRunningHall(dataDir, { action: 'workstations' }).catch(() => null)) {
    throw new Error(`another hall is serving the data folder ${resolve(dataDir)}`);
  }
  if (process.platform !== 'win32' && existsSync(socketPath)) unlinkSync(socketPath);
  const router = new Router(routes.map((r) => ({ ...r })));
  const server = createServer((req, res) => {
    void (async () => {
      let status = 200;
      let value: unknown;
      try {
        const { route, params } = router.match(req.method ?? 'GET', new URL(req.url ?? '/', 'http://admin.invalid').pathname);
        const body = await readBody(req, 64 * 1024);
        if (route.path === '/admin/enrolment-codes') value = await actions.enrolmentCode();
        else if (route.path === '/admin/workstations') value = await actions.workstations();
        else {
          const input = validate(z.object({ reason: z.string().trim().min(1).max(500) }).strict(), parseJson(req, body));
          value = await actions.revoke(validate(WorkstationId, params.workstation), input.reason);
        }
      } catch (error) {
        const refusal = error instanceof HallError ? error : new HallError('INTERNAL');
        if (!(error instanceof HallError)) log(`hall: admin call failed: ${error instanceof Error ? error.message : String(error)}`);
        status = refusal.status;
        value = refusal.body();
      }
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    })();
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    // Owner-only from the moment it exists: the socket is bound inside listen(), under this umask.
    const umask = process.umask(0o177);
    try {
      server.listen(socketPath, () => resolvePromise());
    } finally {
      process.umask(umask);
    }
  });
  if (process.platform !== 'win32') chmodSync(socketPath, 0o600);
  return server;
}
