/**
 * A simulated workstation for the hall's tests and benchmarks: a key pair, an audit chain and a
 * records stream of its own, and a signer that sends whatever it is told to (the bad-input tests
 * need to send what the real client never would). Chains and records are built as a workstation
 * builds them (shared/audit-chain, shared/counter-case's purged form).
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createAuditEvent, type AuditEvent, type AuditEventInput } from '../../shared/audit-chain';
import { generateSm2KeyPair, sm2Sign, sm2Verify, type Sm2KeyPair } from '../../shared/sm';
import {
  HALL_HEADERS,
  requestSigningText,
  responseSigningText,
  type HallCompletedCase,
  type HallObjection,
  type HallRecord,
  type PushRequest,
} from '../../shared/hall-api';
import type { MaterialOutcome, PaperReason } from '../../shared/library-api';
import type { VerificationOutcome } from '../../shared/licence-verify';

/** An answer as the tests read it. */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the assertions judge the shape
  json: any;
  /** Whether the answer carries a valid signature of `hallKey` bound to the request's nonce. */
  signedBy(hallKey: string): boolean;
}

/** What to send; everything a real client gets right can be got wrong here. */
export interface RawCall {
  body?: unknown;
  /** Bytes sent as they are (body ignored). */
  raw?: string | Buffer;
  contentType?: string | null;
  operator?: { id: string; role: string } | null;
  time?: string;
  nonce?: string;
  /** Sign with this key instead of the workstation's (a forged request). */
  signWith?: Sm2KeyPair;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Sign a different body from the one sent. */
  signBody?: string;
  headers?: Record<string, string>;
  /** The workstation id the request claims (default: this one's). */
  as?: string;
}

/** A simulated workstation: a key pair, an audit chain and a records stream of its own. */
export class TestWorkstation {
  readonly keys: Sm2KeyPair;
  chain: AuditEvent[] = [];
  records: HallRecord[] = [];
  private caseCounter = 0;

  constructor(
    readonly url: string,
    readonly id: string,
    keys?: Sm2KeyPair,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.keys = keys ?? generateSm2KeyPair();
  }

  /** Sends a signed (or deliberately mis-signed) request. */
  async call(method: 'GET' | 'POST' | 'PUT', path: string, options: RawCall = {}): Promise<Answer> {
    const bytes =
      options.raw !== undefined ? Buffer.from(options.raw) : options.body !== undefined ? Buffer.from(JSON.stringify(options.body)) : Buffer.alloc(0);
    const time = options.time ?? this.clock().toISOString();
    const nonce = options.nonce ?? randomBytes(16).toString('hex');
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (bytes.length > 0 && options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
    if (bytes.length > 0) headers['content-length'] = String(bytes.length);
    if (!options.unsigned) {
      const key = options.signWith ?? this.keys;
      const digest = createHash('sm3')
        .update(options.signBody ?? bytes)
        .digest('hex');
      const workstationId = options.as ?? this.id;
      const text = requestSigningText({
        method,
        path,
        bodyDigest: digest,
        time,
        nonce,
        workstationId,
        operatorId: options.operator?.id ?? null,
        role: options.operator?.role ?? null,
      });
      headers[HALL_HEADERS.workstation] = workstationId;
      headers[HALL_HEADERS.time] = time;
      headers[HALL_HEADERS.nonce] = nonce;
      headers[HALL_HEADERS.signature] = sm2Sign(text, key.privateKey, key.publicKey);
      if (options.operator) {
        headers[HALL_HEADERS.operator] = options.operator.id;
        headers[HALL_HEADERS.role] = options.operator.role;
      }
    }
    // node:http rather than fetch: a test must be able to send a GET with a body.
    const response = await new Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const req = request(`${this.url}${path}`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(bytes.length > 0 ? bytes : undefined);
    });
    const answer = response.body;
    const answerTime = (response.headers[HALL_HEADERS.time] as string | undefined) ?? null;
    const answerSignature = (response.headers[HALL_HEADERS.signature] as string | undefined) ?? null;
    let json: unknown = null;
    try {
      json = JSON.parse(answer.toString('utf8'));
    } catch {
      json = answer.toString('utf8');
    }
    return {
      status: response.status,
      json,
      signedBy: (hallKey) =>
        answerTime !== null &&
        answerSignature !== null &&
        sm2Verify(
          responseSigningText({ status: response.status, requestNonce: nonce, bodyDigest: createHash('sm3').update(answer).digest('hex'), time: answerTime }),
          answerSignature,
          hallKey,
        ),
    };
  }

  /** Enrols with a code. */
  enrol(code: string): Promise<Answer> {
    return this.call('POST', '/api/v1/enrol', { body: { code, workstationId: this.id, publicKey: this.keys.publicKey } });
  }

  /** A supervision GET (query given as an object) for an operator of a role. */
  supervise(path: string, query: Record<string, string | number> = {}, role = 'supervisor', operatorId = 'OP-PD-0201'): Promise<Answer> {
    const text = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    return this.call('GET', `/api/v1/supervision/${path}${text ? `?${text}` : ''}`, { operator: { id: operatorId, role } });
  }

  /** A supervision POST for an operator of a role. */
  supervisepost(path: string, body: unknown, role = 'supervisor', operatorId = 'OP-PD-0201'): Promise<Answer> {
    return this.call('POST', `/api/v1/supervision/${path}`, { body, operator: { id: operatorId, role } });
  }

  /** Appends `n` events to this workstation's chain (as the counter would: a case's steps). */
  appendEvents(n: number, input: Partial<AuditEventInput> = {}): AuditEvent[] {
    const made: AuditEvent[] = [];
    for (let i = 0; i < n; i++) {
      const event = createAuditEvent(this.chain.at(-1) ?? null, {
        at: this.clock().toISOString(),
        operator: 'OP-PD-0101',
        role: 'clerk',
        workstation: this.id,
        case: `${this.id.replace(/-/g, '').slice(0, 8)}-20261126-0001`,
        kind: 'pull',
        details: { materialId: `M${this.chain.length % 5}`, latencyMs: 120, note: '结婚登记 材料核验' },
        ...input,
      });
      this.chain.push(event);
      made.push(event);
    }
    return made;
  }

  /** The chain's head, as a push carries it. */
  head(): PushRequest['head'] {
    const last = this.chain.at(-1);
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '0'.repeat(64) };
  }

  /** Adds a record to this workstation's records stream with the next sequence. */
  addRecord(record: HallRecord extends infer R ? (R extends unknown ? Omit<R, 'seq'> : never) : never): HallRecord {
    const item = { ...record, seq: this.records.length + 1 } as HallRecord;
    this.records.push(item);
    return item;
  }

  /** Adds a completed case (see {@link completedCase}). */
  addCase(options: CaseOptions = {}): HallCompletedCase {
    this.caseCounter++;
    const made = completedCase({
      caseNo: `${this.id.replace(/-/g, '').slice(0, 8)}-20261126-${String(this.caseCounter).padStart(4, '0')}`,
      workstationId: this.id,
      ...options,
    });
    this.addRecord({ kind: 'case', case: made });
    return made;
  }

  /** Pushes the chain from `fromSeq` and the records from `fromRecord` (1-based), with the head. */
  push(
    options: { fromSeq?: number; toSeq?: number; fromRecord?: number; toRecord?: number; outbox?: PushRequest['outbox']; head?: PushRequest['head'] } = {},
  ): Promise<Answer> {
    const audit = this.chain.filter((e) => e.seq >= (options.fromSeq ?? 1) && e.seq <= (options.toSeq ?? Number.MAX_SAFE_INTEGER));
    const records = this.records.filter((r) => r.seq >= (options.fromRecord ?? 1) && r.seq <= (options.toRecord ?? Number.MAX_SAFE_INTEGER));
    const body: PushRequest = { head: options.head ?? this.head(), audit, records, outbox: options.outbox ?? null };
    return this.call('POST', '/api/v1/sync/push', { body });
  }
}

/** A material of a test case. */
export interface MaterialSpec {
  outcome: MaterialOutcome;
  paperReason?: PaperReason;
  licenceOutcome?: VerificationOutcome;
  latencyMs?: number | null;
}

/** What a test case varies. */
export interface CaseOptions {
  caseNo?: string;
  workstationId?: string;
  operatorId?: string;
  completedAt?: string;
  training?: boolean;
  idNumber?: string;
  materials?: MaterialSpec[];
}

const LICENCE = (n: number) => `1.2.156.3005.2.11100000000000000000A.91310000MA1FL0000X.${String(n).padStart(8, '0')}.001.7`;

/** A completed case in its purged form, as shared/counter-case `purgeCase` keeps it. */
export function completedCase(options: CaseOptions = {}): HallCompletedCase {
  const completedAt = options.completedAt ?? '2026-11-26T03:00:00.000Z';
  const materials = options.materials ?? [
    { outcome: 'exempt', licenceOutcome: 'valid', latencyMs: 150 },
    { outcome: 'paper', paperReason: 'elderly', latencyMs: null },
  ];
  return {
    status: 'completed',
    caseNo: options.caseNo ?? 'WS01-20261126-0001',
    matter: { code: 'M-MARRIAGE', name: '结婚登记' },
    holder: { idType: '111', idNumber: options.idNumber ?? '310115198001011086' },
    grant: { grantId: 'G-1', basis: 'token', reason: null },
    operatorId: options.operatorId ?? 'OP-PD-0101',
    workstationId: options.workstationId ?? 'WS-01',
    training: options.training ?? false,
    openedAt: new Date(Date.parse(completedAt) - 300_000).toISOString(),
    completedAt,
    purgedAt: completedAt,
    materials: materials.map((m, i) => ({
      materialId: `MAT${i + 1}`,
      name: `材料${i + 1}`,
      required: true,
      record: {
        materialId: `MAT${i + 1}`,
        outcome: m.outcome,
        licenceId: m.outcome === 'exempt' ? LICENCE(i + 1) : null,
        paperReason: m.outcome === 'paper' ? (m.paperReason ?? 'applicant_choice') : null,
      },
      override: null,
      licences: m.licenceOutcome
        ? [
            {
              licenceId: LICENCE(i + 1),
              typeCode: '11100000000000000000A',
              issuerCode: '91310000MA1FL0000X',
              version: '001',
              status: 'valid',
              outcome: m.licenceOutcome,
              checks: [{ check: 'signature', result: 'pass' }],
              verifiedAt: completedAt,
              fileHash: 'a'.repeat(64),
            },
          ]
        : [],
      paperScan:
        m.outcome === 'paper'
          ? { paperReason: m.paperReason ?? 'applicant_choice', scannedAt: completedAt, pages: 2, hash: 'b'.repeat(64), blobKey: 'scan-1' }
          : null,
      pullLatencyMs: m.latencyMs ?? null,
    })),
  };
}

/** An objection's state as a workstation pushes it. */
export function objectionState(id: string, state: HallObjection['state'], options: Partial<HallObjection> = {}): HallObjection {
  return {
    id,
    licenceId: LICENCE(9),
    dimension: 'accuracy',
    fieldKeys: ['name'],
    filedBy: { operatorId: 'OP-PD-0101', role: 'clerk' },
    filedAt: '2026-11-26T02:00:00.000Z',
    state,
    issuer:
      state === 'received' || state === 'processing' || state === 'corrected' || state === 'rejected'
        ? { code: '11310000MB2C00001X', name: '上海市民政局' }
        : null,
    receivedAt: null,
    result: null,
    updatedAt: '2026-11-26T02:00:00.000Z',
    ...options,
  };
}
