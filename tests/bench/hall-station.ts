/**
 * A simulated workstation of the hall benchmark: its SM2 key, its signed requests, and its audit
 * chain as the counter writes it. Used by the benchmark itself (the supervisor's calls) and by
 * the workstations' own process (hall-workstations.ts), which stands for the windows' machines.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createAuditEvent, type AuditEvent } from '../../shared/audit-chain';
import { HALL_HEADERS, requestSigningText } from '../../shared/hall-api';
import { generateSm2KeyPair, sm2Sign, type Sm2KeyPair } from '../../shared/sm';

const sm3 = (data: Buffer | string) => createHash('sm3').update(data).digest('hex');

/** A workstation of the benchmark: its key, and its signed requests (bodies serialised before the clock starts). */
export class Station {
  readonly keys: Sm2KeyPair = generateSm2KeyPair();
  constructor(
    readonly id: string,
    readonly url: string,
  ) {}

  /** Sends a signed request; `digest` is the body's SM3 when it was computed beforehand. */
  async send(
    method: 'GET' | 'POST',
    path: string,
    body: Buffer | null,
    operator: { id: string; role: string } | null = null,
    digest?: string,
  ): Promise<{ status: number; json: unknown }> {
    const time = new Date().toISOString();
    const nonce = randomBytes(16).toString('hex');
    const text = requestSigningText({
      method,
      path,
      bodyDigest: digest ?? sm3(body ?? Buffer.alloc(0)),
      time,
      nonce,
      workstationId: this.id,
      operatorId: operator?.id ?? null,
      role: operator?.role ?? null,
    });
    const headers: Record<string, string> = {
      [HALL_HEADERS.workstation]: this.id,
      [HALL_HEADERS.time]: time,
      [HALL_HEADERS.nonce]: nonce,
      [HALL_HEADERS.signature]: sm2Sign(text, this.keys.privateKey, this.keys.publicKey),
    };
    if (body) headers['content-type'] = 'application/json';
    if (operator) {
      headers[HALL_HEADERS.operator] = operator.id;
      headers[HALL_HEADERS.role] = operator.role;
    }
    // A connection per request: a kept-alive one can be closed by a hall whose event loop was
    // busy (PGlite works on it) just as the next request is written.
    const response = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      if (body) headers['content-length'] = String(body.length);
      const req = request(`${this.url}${path}`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body ?? undefined);
    });
    return { status: response.status, json: JSON.parse(response.body.toString('utf8')) as unknown };
  }

  async enrol(code: string): Promise<void> {
    const answer = await this.send('POST', '/api/v1/enrol', Buffer.from(JSON.stringify({ code, workstationId: this.id, publicKey: this.keys.publicKey })));
    if (answer.status !== 201) throw new Error(`enrolment failed: ${JSON.stringify(answer.json)}`);
  }
}

/** A workstation's chain as the counter writes it: the steps of its cases. */
export function chainOf(id: string, events: number): AuditEvent[] {
  const kinds = ['case_open', 'token_read', 'grant', 'pull', 'verification', 'pull', 'verification', 'completion', 'usage_record', 'purge'] as const;
  const chain: AuditEvent[] = [];
  let prev: AuditEvent | null = null;
  const start = Date.UTC(2026, 10, 26, 1);
  for (let i = 0; i < events; i++) {
    const caseNo = `${id.replace(/-/g, '').slice(0, 8)}-20261126-${String(Math.floor(i / 10) % 10_000).padStart(4, '0')}`;
    prev = createAuditEvent(prev, {
      at: new Date(start + i * 1500).toISOString(),
      operator: `OP-${id}-${i % 3}`,
      role: 'clerk',
      workstation: id,
      case: caseNo,
      kind: kinds[i % kinds.length]!,
      details: {
        materialId: `MAT${i % 5}`,
        licenceId: `1.2.156.3005.2.11100000000000000000A.91310000MA1FL0000X.${String(i).padStart(8, '0')}.001.7`,
        latencyMs: 80 + (i % 700),
        note: '结婚登记 材料核验',
      },
    });
    chain.push(prev);
  }
  return chain;
}
