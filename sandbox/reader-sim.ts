/**
 * The ID-card reader simulator (身份证阅读器模拟器): a stand-in for a reader vendor's local
 * service, on 127.0.0.1 beside the sandbox, serving the same kind of protocol a real one does
 * (HTTP JSON and WebSocket; pinyin field names; a status code; the photo in base64). It holds a
 * card for every natural person of the sandbox, made from their 居民身份证 licence, with a photo
 * drawn in code; two cards are deliberately bad (one expired, one that cannot be read). A trainer
 * lays a card on the reader, takes it off, or makes the reader busy or absent from the sandbox's
 * holder page or its `_sandbox/reader` calls (sandbox/README.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SIMULATOR_CODES, SIMULATOR_READER_ID } from '../shared/devices';
import { parseCardSex, parseCardValidPeriod } from '../shared/id-card';
import { typeOf } from './catalog';
import { EDGE_NOTES, type SeedHolder } from './people';
import { portraitPng } from './portrait';
import type { Store } from './store';

/** What is wrong with a card, if anything. */
export type SimCardKind = 'normal' | 'expired' | 'unreadable';

/** A card the simulator holds: what the chip of a 居民身份证 carries. */
export interface SimCard {
  /** The card's id: the holder's ID number. */
  id: string;
  kind: SimCardKind;
  name: string;
  sex: '男' | '女';
  ethnicity: string;
  birthDate: string;
  address: string;
  idNumber: string;
  issuingAuthority: string;
  validFrom: string;
  validTo: string | null;
}

/** How the simulated reader behaves apart from the card on it. */
export const READER_MODES = ['ready', 'busy', 'absent', 'malformed'] as const;
/** `ready`: answers normally; `busy`: always busy; `absent`: the service runs, no reader is plugged in; `malformed`: answers what is not JSON. */
export type ReaderMode = (typeof READER_MODES)[number];

/** The simulator's state, as `GET /api/v1/_sandbox/reader` shows it. */
export interface ReaderSimState {
  httpUrl: string;
  wsUrl: string;
  readerId: string;
  /** The card lying on the reader, or null. */
  card: Pick<SimCard, 'id' | 'name' | 'kind' | 'validFrom' | 'validTo'> | null;
  mode: ReaderMode;
  /** Added to every read, to train (and test) timeouts. */
  latencyMs: number;
}

/** One read's answer, as both transports carry it. */
export interface ReadAnswer {
  code: string;
  msg: string;
  readerSn: string;
  data?: Record<string, string>;
}

function compact(day: string): string {
  return day.replaceAll('-', '');
}

/** The two holders whose cards are bad, named by their sandbox note (people.ts). */
export const SPECIAL_CARDS: Readonly<Record<Exclude<SimCardKind, 'normal'>, string>> = {
  expired: EDGE_NOTES.expired,
  unreadable: EDGE_NOTES.tampered,
};

/**
 * The cards of a store: one per natural person with a 居民身份证 licence, with its data. The
 * holder noted for an expired 驾驶证 also carries an expired ID card (valid 2005-09-30 to
 * 2025-09-30); the holder whose 户口簿 was tampered with has a card
 * whose chip does not answer.
 */
export function buildSimCards(store: Store): SimCard[] {
  const idCardType = typeOf('idCard').code;
  const cards: SimCard[] = [];
  for (const holder of store.holders()) {
    if (holder.kind !== 'natural_person') continue;
    const licence = store
      .licencesOf(holder.idNumber)
      .filter((item) => item.typeCode === idCardType && item.status !== 'superseded')
      .sort((a, b) => b.version.localeCompare(a.version))[0];
    if (!licence) continue;
    const f = licence.fields as Record<string, string>;
    const period = parseCardValidPeriod(String(f.validPeriod ?? ''));
    const card: SimCard = {
      id: holder.idNumber,
      kind: kindOf(holder),
      name: String(f.name ?? holder.name),
      sex: parseCardSex(String(f.gender ?? '')) ?? (Number(holder.idNumber[16]) % 2 === 1 ? '男' : '女'),
      ethnicity: String(f.ethnicity ?? '汉'),
      birthDate: String(f.birthDate),
      address: String(f.address),
      idNumber: holder.idNumber,
      issuingAuthority: String(f.issuingAuthority ?? licence.issuerName),
      validFrom: period?.validFrom ?? licence.validFrom,
      validTo: period ? period.validTo : licence.validTo,
    };
    if (card.kind === 'expired') {
      // A 20-year card never renewed: the 驾驶证 of the same holder ran out on the same day.
      card.validFrom = '2005-09-30';
      card.validTo = '2025-09-30';
    }
    cards.push(card);
  }
  return cards;
}

function kindOf(holder: SeedHolder): SimCardKind {
  if (holder.note === SPECIAL_CARDS.expired) return 'expired';
  if (holder.note === SPECIAL_CARDS.unreadable) return 'unreadable';
  return 'normal';
}

/** Options of startReaderSimulator. */
export interface ReaderSimOptions {
  store: Store;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  log?: (line: string) => void;
}

/** The simulator: its cards, its state and its server. */
export class ReaderSimulator {
  private cards: SimCard[] | null = null;
  private byId = new Map<string, SimCard>();
  private readonly photos = new Map<string, string>();
  private cardId: string | null = null;
  private mode: ReaderMode = 'ready';
  private latencyMs = 0;
  private inFlight = 0;
  /** Bumped by reset(): a read still sleeping from before the reset no longer makes the reader busy. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    readonly httpUrl: string,
    readonly wsUrl: string,
  ) {}

  /** Every card, built from the store on first use. */
  allCards(): SimCard[] {
    if (!this.cards) {
      this.cards = buildSimCards(this.store);
      this.byId = new Map(this.cards.map((card) => [card.id, card]));
    }
    return this.cards;
  }

  /** The card with an id (the holder's ID number), if the simulator holds one. */
  card(id: string): SimCard | null {
    this.allCards();
    return this.byId.get(id) ?? null;
  }

  /** The state shown to a trainer. */
  state(): ReaderSimState {
    const card = this.cardId ? this.card(this.cardId) : null;
    return {
      httpUrl: this.httpUrl,
      wsUrl: this.wsUrl,
      readerId: SIMULATOR_READER_ID,
      card: card ? { id: card.id, name: card.name, kind: card.kind, validFrom: card.validFrom, validTo: card.validTo } : null,
      mode: this.mode,
      latencyMs: this.latencyMs,
    };
  }

  /** Lays a card on the reader (null takes it off); false when there is no such card. */
  place(cardId: string | null): boolean {
    if (cardId !== null && !this.card(cardId)) return false;
    this.cardId = cardId;
    return true;
  }

  /** Changes how the reader behaves. */
  configure(change: { mode?: ReaderMode; latencyMs?: number }): void {
    if (change.mode !== undefined) this.mode = change.mode;
    if (change.latencyMs !== undefined) this.latencyMs = change.latencyMs;
  }

  /** Back to an empty, ready reader (the sandbox's reset). */
  reset(): void {
    this.cardId = null;
    this.mode = 'ready';
    this.latencyMs = 0;
    this.inFlight = 0;
    this.generation++;
  }

  private photo(card: SimCard): string {
    let photo = this.photos.get(card.id);
    if (!photo) {
      photo = portraitPng({ idNumber: card.idNumber, sex: card.sex, birthYear: Number(card.birthDate.slice(0, 4)) }).toString('base64');
      this.photos.set(card.id, photo);
    }
    return photo;
  }

  /**
   * One read, as a vendor service answers it. A read takes `latencyMs`; a second read while one
   * is under way finds the reader busy, as a real reader does.
   */
  async read(): Promise<ReadAnswer | 'malformed'> {
    if (this.inFlight > 0) return { code: SIMULATOR_CODES.busy, msg: '阅读器正忙，请稍后再试', readerSn: SIMULATOR_READER_ID };
    this.inFlight++;
    const generation = this.generation;
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      return this.answer();
    } finally {
      if (generation === this.generation) this.inFlight--;
    }
  }

  private answer(): ReadAnswer | 'malformed' {
    const base = { readerSn: SIMULATOR_READER_ID };
    if (this.mode === 'malformed') return 'malformed';
    if (this.mode === 'absent') return { code: SIMULATOR_CODES.absent, msg: '未检测到身份证阅读器，请检查连接', ...base };
    if (this.mode === 'busy') return { code: SIMULATOR_CODES.busy, msg: '阅读器正忙，请稍后再试', ...base };
    const card = this.cardId ? this.card(this.cardId) : null;
    if (!card) return { code: SIMULATOR_CODES.noCard, msg: '未放卡或卡片放置不正确', ...base };
    if (card.kind === 'unreadable') return { code: SIMULATOR_CODES.unreadable, msg: '读卡失败：卡片芯片无应答', ...base };
    return {
      code: SIMULATOR_CODES.ok,
      msg: '读卡成功',
      ...base,
      data: {
        xm: card.name,
        xb: card.sex,
        mz: card.ethnicity,
        csrq: compact(card.birthDate),
        zz: card.address,
        gmsfhm: card.idNumber,
        qfjg: card.issuingAuthority,
        yxqx: `${compact(card.validFrom)}-${card.validTo === null ? '长期' : compact(card.validTo)}`,
        zp: this.photo(card),
      },
    };
  }
}

/** A running simulator. */
export interface RunningReaderSim {
  simulator: ReaderSimulator;
  httpUrl: string;
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

const MALFORMED_BODY = '<html><body>ReadCard: 0x80004005</body></html>';

function sendAnswer(res: ServerResponse, answer: ReadAnswer | 'malformed'): void {
  if (answer === 'malformed') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(MALFORMED_BODY);
    return;
  }
  const text = JSON.stringify(answer);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store' });
  res.end(text);
}

async function handleHttp(sim: ReaderSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  // The request body is not needed (a read takes no parameters) but is drained, with a bound.
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) {
      res.writeHead(413, { Connection: 'close' }).end();
      return;
    }
  }
  if (path === '/api/ReadCard' && (req.method === 'POST' || req.method === 'GET')) return sendAnswer(res, await sim.read());
  const text = JSON.stringify({ code: '9', msg: '未知接口', readerSn: SIMULATOR_READER_ID });
  res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

async function handleWsMessage(sim: ReaderSimulator, socket: WebSocket, raw: string): Promise<void> {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    socket.send(JSON.stringify({ code: '9', msg: '指令不是有效的 JSON', readerSn: SIMULATOR_READER_ID }));
    return;
  }
  const { cmd, seq } = (message ?? {}) as { cmd?: unknown; seq?: unknown };
  if (cmd !== 'ReadCard') {
    socket.send(JSON.stringify({ cmd, seq, code: '9', msg: '未知指令', readerSn: SIMULATOR_READER_ID }));
    return;
  }
  const answer = await sim.read();
  if (socket.readyState !== socket.OPEN) return;
  socket.send(answer === 'malformed' ? MALFORMED_BODY : JSON.stringify({ cmd, seq, ...answer }));
}

/** Starts the simulator on 127.0.0.1 (HTTP `POST /api/ReadCard`, WebSocket `/ws`). */
export async function startReaderSimulator(options: ReaderSimOptions): Promise<RunningReaderSim> {
  const server: Server = createServer();
  let sim: ReaderSimulator | null = null;
  server.on('request', (req, res) => {
    if (!sim) return void res.writeHead(503).end();
    handleHttp(sim, req, res).catch((error: unknown) => {
      options.log?.(`reader simulator: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 64 * 1024 });
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      if (sim) void handleWsMessage(sim, socket, data.toString());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const httpUrl = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}`;
  sim = new ReaderSimulator(options.store, httpUrl, wsUrl);
  let closing: Promise<void> | null = null;
  return {
    simulator: sim,
    httpUrl,
    wsUrl,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
