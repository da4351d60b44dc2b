import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatchHostCall } from '../../electron/host/dispatch';
import { embeddedSandbox } from '../../electron/host/embedded-sandbox';
import { createHost, type Host } from '../../electron/host/host';
import type { HostCallName, HostInput, HostOutput } from '../../shared/contract';
import { DEFAULT_DEVICE_SETTINGS, simulatorReaderConfig, type DeviceSettings, type ReaderConfig } from '../../shared/devices';
import type { HostResult } from '../../shared/errors';
import { idCardChecksPass } from '../../shared/id-card';
import type { SandboxHolder } from '../../shared/library-api';
import { EDGE_NOTES } from '../../sandbox/people';
import { startHostRig, type HostRig } from './helpers';

let rig: HostRig;
let holders: SandboxHolder[];
let reader: { httpUrl: string; wsUrl: string };

const DONG_LIN = '310115199709281086';
const HUANG_LIANG = '310117193710111071';

beforeAll(async () => {
  rig = await startHostRig();
  holders = (await rig.sandbox('/holders')) as SandboxHolder[];
  const state = (await rig.sandbox('/reader')) as { httpUrl: string; wsUrl: string };
  reader = { httpUrl: state.httpUrl, wsUrl: state.wsUrl };
}, 60_000);
afterAll(async () => rig?.close());

async function signIn(username: string): Promise<void> {
  await rig.ok('session.signOut', {});
  await rig.ok('session.signIn', { username, password: 'demo' });
}

async function setReader(change: Record<string, unknown>): Promise<void> {
  await rig.sandbox('/reader', { body: change });
}

async function setDevices(change: (settings: DeviceSettings) => DeviceSettings): Promise<HostOutput<'devices.settings.set'>> {
  await signIn('super01');
  const { settings } = await rig.ok('devices.settings.get', {});
  const result = await rig.ok('devices.settings.set', change(settings));
  await signIn('clerk01');
  return result;
}

beforeEach(async () => {
  await rig.sandbox('/reset', { body: {} });
  await setDevices(() => structuredClone(DEFAULT_DEVICE_SETTINGS));
});

describe("devices.readIdCard in training (the sandbox's simulator)", () => {
  it("reads the card on the reader: the holder's data, the photo, the reader's id, and no warning for a good card", async () => {
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({
      ok: false,
      error: { code: 'READER_NO_CARD', message: expect.stringContaining('阅读器上没有身份证') },
    });
    await setReader({ card: DONG_LIN });
    const read = await rig.ok('devices.readIdCard', {});
    expect(read).toMatchObject({
      card: { name: '董琳', sex: '女', birthDate: '1997-09-28', idNumber: DONG_LIN, issuingAuthority: expect.stringMatching(/^上海市公安局/) },
      readerId: 'SIM-IDR-0001',
      source: 'simulator',
      maskedIdNumber: '310115********1086',
      checks: { idNumber: null, birthDateMatches: true, sexMatches: true, validity: 'valid' },
    });
    expect(read.card.photoDataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(Date.parse(read.readAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("reads an old applicant's long-term card", async () => {
    await setReader({ card: HUANG_LIANG });
    const read = await rig.ok('devices.readIdCard', {});
    expect(read.card).toMatchObject({ name: '黄亮', validTo: null });
    expect(read.checks.validity).toBe('valid');
  });

  it('says plainly that a card is expired, and leaves the decision to the clerk', async () => {
    const holder = holders.find((h) => h.note === EDGE_NOTES.expired)!;
    await setReader({ card: holder.idNumber });
    const read = await rig.ok('devices.readIdCard', {});
    expect(read.checks.validity).toBe('expired');
    expect(read.card.validTo).toBe('2025-09-30');
    expect(read.checks).toMatchObject({ idNumber: null, birthDateMatches: true, sexMatches: true, validity: 'expired' });
  });

  it.each([
    ['an unreadable card', { card: 'unreadable' }, 'READER_UNREADABLE', '无法读取这张身份证'],
    ['a busy reader', { card: DONG_LIN, mode: 'busy' }, 'READER_BUSY', '阅读器正忙'],
    ['no reader plugged in', { card: DONG_LIN, mode: 'absent' }, 'READER_ABSENT', '未连接到身份证阅读器'],
    ['an answer that is not JSON', { card: DONG_LIN, mode: 'malformed' }, 'READER_MALFORMED', '返回内容不是 JSON'],
  ] as const)('%s is %s with its sentence', async (_name, state, code, sentence) => {
    const card = state.card === 'unreadable' ? holders.find((h) => h.note === EDGE_NOTES.tampered)!.idNumber : state.card;
    await setReader({ ...state, card });
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code, message: expect.stringContaining(sentence) } });
  });

  it('times out a reader that does not answer in time', async () => {
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, timeoutMs: 500 } }));
    await setReader({ card: DONG_LIN, latencyMs: 1_500 });
    const started = Date.now();
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({
      ok: false,
      error: { code: 'READER_TIMEOUT', message: expect.stringContaining('0.5 秒') },
    });
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('reads over WebSocket when the WebSocket preset is chosen, with the same outcomes', async () => {
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, preset: 'simulator-ws' } }));
    await setReader({ card: DONG_LIN });
    expect(await rig.ok('devices.readIdCard', {})).toMatchObject({ card: { idNumber: DONG_LIN }, source: 'simulator' });
    await setReader({ card: null });
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'READER_NO_CARD' } });
    await setReader({ card: DONG_LIN, mode: 'malformed' });
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'READER_MALFORMED' } });
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, timeoutMs: 500 } }));
    await setReader({ card: DONG_LIN, mode: 'ready', latencyMs: 1_500 });
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'READER_TIMEOUT' } });
  });

  it('reads one card at a time: a second press during a read is told the reader is busy', async () => {
    await setReader({ card: DONG_LIN, latencyMs: 400 });
    const [first, second] = await Promise.all([
      rig.call('devices.readIdCard', {}),
      new Promise((r) => setTimeout(r, 100)).then(() => rig.call('devices.readIdCard', {})),
    ]);
    expect(first, JSON.stringify(first)).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: false, error: { code: 'READER_BUSY', message: '上一次读卡尚未结束，请稍候。' } });
  });

  it("reports the reader's state without handing out the card", async () => {
    expect(await rig.ok('devices.readerStatus', {})).toMatchObject({ state: 'ready', source: 'simulator', presetId: 'simulator-http' });
    await setReader({ card: DONG_LIN });
    const present = await rig.ok('devices.readerStatus', {});
    expect(present).toMatchObject({ state: 'card_present', readerId: 'SIM-IDR-0001' });
    expect(JSON.stringify(present)).not.toContain(DONG_LIN);
    await setReader({ mode: 'absent' });
    expect(await rig.ok('devices.readerStatus', {})).toMatchObject({ state: 'absent' });
  });

  it('is for the counter roles only, and its settings for the supervisor only', async () => {
    await signIn('officer01');
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await signIn('clerk01');
    expect(await rig.call('devices.settings.get', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await rig.ok('session.signOut', {});
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await signIn('clerk01');
  });
});

describe('devices.settings', () => {
  it('validates a reader configuration, answers what changed, and keeps it in devices.json', async () => {
    await signIn('super01');
    const before = await rig.ok('devices.settings.get', {});
    expect(before).toMatchObject({ training: true, printing: 'browser', settings: DEFAULT_DEVICE_SETTINGS });
    expect(before.presets.map((p) => p.id)).toEqual(['none', 'simulator-http', 'simulator-ws', 'custom']);

    const remote = { ...simulatorReaderConfig('http', reader), url: 'http://192.168.1.20:19196/readcard' };
    const refused = await rig.call('devices.settings.set', { ...before.settings, idReader: { ...before.settings.idReader, preset: 'custom', custom: remote } });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: { issues: [expect.objectContaining({ path: 'idReader.custom.url', message: 'reader_url_loopback' })] } },
    });
    expect(
      await rig.call('devices.settings.set', { ...before.settings, idReader: { ...before.settings.idReader, preset: 'custom', custom: null } }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    const custom = simulatorReaderConfig('http', reader);
    const saved = await rig.ok('devices.settings.set', {
      ...before.settings,
      idReader: { ...before.settings.idReader, preset: 'custom', custom, inTraining: 'configured' },
      printer: { deviceName: 'Counter-Thermal', layout: 'thermal80', silent: true },
    });
    expect(saved.changes).toEqual(
      expect.arrayContaining([
        { field: 'idReader.preset', from: 'none', to: 'custom' },
        { field: 'idReader.inTraining', from: 'simulator', to: 'configured' },
        { field: 'idReader.custom.url', from: null, to: custom.url },
        { field: 'printer.layout', from: 'a4', to: 'thermal80' },
        { field: 'printer.deviceName', from: null, to: 'Counter-Thermal' },
      ]),
    );
    const file = JSON.parse(readFileSync(join(rig.dataDir, 'devices.json'), 'utf8')) as DeviceSettings;
    expect(file.idReader.custom?.url).toBe(custom.url);
    // Saving the same settings again changes nothing.
    expect((await rig.ok('devices.settings.set', saved.settings)).changes).toEqual([]);

    // The configured reader now serves training too: a read is the configured reader's.
    await signIn('clerk01');
    await setReader({ card: DONG_LIN });
    expect(await rig.ok('devices.readIdCard', {})).toMatchObject({ source: 'reader', readerId: 'SIM-IDR-0001' });
  });

  it('names the field a wrong field map cannot find', async () => {
    const custom: ReaderConfig = { ...simulatorReaderConfig('http', reader), fields: { ...simulatorReaderConfig('http', reader).fields, idNumber: 'sfzh' } };
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, preset: 'custom', custom, inTraining: 'configured' } }));
    await setReader({ card: DONG_LIN });
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({
      ok: false,
      error: { code: 'READER_MALFORMED', message: expect.stringContaining('公民身份号码缺失'), details: { field: 'idNumber', problem: 'missing' } },
    });
  });

  it('says a reader service that is not running is absent', async () => {
    const closed = await closedPort();
    const custom: ReaderConfig = { ...simulatorReaderConfig('http', reader), url: `http://127.0.0.1:${closed}/api/ReadCard` };
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, preset: 'custom', custom, inTraining: 'configured' } }));
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'READER_ABSENT', details: { cause: 'ECONNREFUSED' } } });
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, custom: { ...custom, transport: 'ws', url: `ws://127.0.0.1:${closed}/ws` } } }));
    expect(await rig.call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'READER_ABSENT' } });
    expect(await rig.ok('devices.readerStatus', {})).toMatchObject({ state: 'absent', source: 'reader', presetId: 'custom' });
  });
});

describe('a vendor service of another shape, by configuration alone', () => {
  let vendor: Server;
  let vendorUrl: string;
  let answer: unknown;
  // A 2×1 BMP: what readers that hand out the decoded chip photo as a bitmap send.
  const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]).toString('base64');

  beforeAll(async () => {
    vendor = createServer((req, res) => {
      if (req.method !== 'GET' || !req.url?.startsWith('/IDCard/Read')) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
    vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}/IDCard/Read?type=1`;
  });
  afterAll(() => new Promise<void>((resolve) => vendor.close(() => resolve())));

  const vendorConfig = (): ReaderConfig => ({
    transport: 'http',
    url: vendorUrl,
    method: 'GET',
    request: null,
    statusField: 'ret',
    successValues: ['0'],
    noCardValues: ['10'],
    busyValues: [],
    absentValues: ['1', '2'],
    messageField: 'errmsg',
    dataPath: 'Certificate',
    fields: {
      name: 'Name',
      sex: 'Sex',
      ethnicity: 'Nation',
      birthDate: 'Birthday',
      address: 'Address',
      idNumber: 'IDNumber',
      issuingAuthority: 'IDIssued',
      validFrom: 'IssuedDate',
      validTo: 'ValidDate',
      validPeriod: null,
      photo: 'Base64Photo',
    },
    photo: { encoding: 'base64', type: 'image/bmp' },
    readerIdField: null,
    readerId: 'WIN-07-READER',
    timeoutMs: 3_000,
  });

  it('reads a nested answer with numeric status, separate dates, codes for sex and ethnicity, and a BMP photo', async () => {
    answer = {
      ret: 0,
      Certificate: {
        Name: '刘丽',
        Sex: '2',
        Nation: '01',
        Birthday: '1952-12-01',
        Address: '上海市徐汇区漕溪北路1号',
        IDNumber: '310104195212018146',
        IDIssued: '上海市公安局徐汇分局',
        IssuedDate: '2012.12.01',
        ValidDate: '长期',
        Base64Photo: bmp,
      },
    };
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, preset: 'custom', custom: vendorConfig(), inTraining: 'configured' } }));
    const read = await rig.ok('devices.readIdCard', {});
    expect(read).toMatchObject({
      card: { name: '刘丽', sex: '女', ethnicity: '汉', birthDate: '1952-12-01', validFrom: '2012-12-01', validTo: null },
      readerId: 'WIN-07-READER',
      source: 'reader',
    });
    expect(idCardChecksPass(read.checks)).toBe(true);
    expect(read.card.photoDataUrl).toBe(`data:image/bmp;base64,${bmp}`);
  });

  it.each([
    [{ ret: 10, errmsg: '请放卡' }, 'READER_NO_CARD'],
    [{ ret: 2, errmsg: '端口打开失败' }, 'READER_ABSENT'],
    [{ ret: 41, errmsg: '相片解码失败' }, 'READER_UNREADABLE'],
    [{ result: 0 }, 'READER_MALFORMED'],
    [{ ret: 0 }, 'READER_MALFORMED'],
  ] as const)('%j → %s', async (vendorAnswer, code) => {
    answer = vendorAnswer;
    await setDevices((s) => ({ ...s, idReader: { ...s.idReader, preset: 'custom', custom: vendorConfig(), inTraining: 'configured' } }));
    const result = await rig.call('devices.readIdCard', {});
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (code === 'READER_UNREADABLE') expect(!result.ok && result.error.message).toContain('阅读器提示：相片解码失败');
  });
});

describe('outside training', () => {
  it('uses only the configured reader: none, and never the simulator, until a supervisor configures one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'host-devices-prod-'));
    const sandbox = embeddedSandbox(dir);
    const target = await sandbox.open();
    const host: Host = await createHost({
      version: 'test',
      transport: 'browser',
      dataDir: dir,
      settings: { libraryUrl: target.url, rootKey: target.rootKey, workstationId: 'WS-TEST-02', paperRetentionDays: 30 },
      settingsFile: join(dir, 'settings.json'),
      openSandbox: sandbox.open,
    });
    const call = <N extends HostCallName>(name: N, input: HostInput<N>) =>
      dispatchHostCall(host.handlers, host.currentOperator, name, input) as Promise<HostResult<HostOutput<N>>>;
    try {
      expect(host.target().mode).toBe('library');
      await call('session.signIn', { username: 'super01', password: 'demo' });
      await fetch(`${target.url}/api/v1/_sandbox/reader`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ card: DONG_LIN }),
      });
      expect(await call('devices.readIdCard', {})).toMatchObject({ ok: false, error: { code: 'READER_NOT_CONFIGURED' } });
      expect(await call('devices.readerStatus', {})).toMatchObject({ ok: true, value: { state: 'not_configured', source: null, presetId: 'none' } });
      const view = await call('devices.settings.get', {});
      if (!view.ok) throw new Error('settings.get failed');
      expect(view.value.training).toBe(false);
      await call('devices.settings.set', { ...view.value.settings, idReader: { ...view.value.settings.idReader, preset: 'simulator-http' } });
      expect(await call('devices.readIdCard', {})).toMatchObject({
        ok: false,
        error: { code: 'READER_NOT_CONFIGURED', message: expect.stringContaining('只能在演示/培训环境中使用') },
      });
      await call('devices.settings.set', {
        ...view.value.settings,
        idReader: { ...view.value.settings.idReader, preset: 'custom', custom: simulatorReaderConfig('http', target.reader!) },
      });
      expect(await call('devices.readIdCard', {})).toMatchObject({ ok: true, value: { source: 'reader', card: { idNumber: DONG_LIN } } });

      // A new host on the same folder starts with the saved device settings.
      const again = await createHost({
        version: 'test',
        transport: 'browser',
        dataDir: dir,
        settings: { libraryUrl: target.url, rootKey: target.rootKey, workstationId: 'WS-TEST-02', paperRetentionDays: 30 },
        settingsFile: join(dir, 'settings.json'),
        openSandbox: sandbox.open,
      });
      await dispatchHostCall(again.handlers, again.currentOperator, 'session.signIn', { username: 'clerk01', password: 'demo' });
      expect(await dispatchHostCall(again.handlers, again.currentOperator, 'devices.readIdCard', {})).toMatchObject({
        ok: true,
        value: { card: { idNumber: DONG_LIN } },
      });
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('print.document in browser mode', () => {
  it('answers that the browser prints, with the printer and layout of the settings', async () => {
    await setDevices((s) => ({ ...s, printer: { deviceName: 'Counter-A4', layout: 'a4', silent: true } }));
    expect(await rig.ok('print.document', { source: 'window' })).toEqual({
      outcome: 'browser',
      deviceName: 'Counter-A4',
      layout: 'a4',
      message: '浏览器模式下由浏览器的打印对话框打印：请选择打印机“Counter-A4”，纸张为 A4。',
    });
    expect(await rig.call('print.document', { source: 'html', html: '', title: '回执' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await signIn('super01');
    expect(await rig.ok('print.printers', {})).toEqual({ available: false, printers: [] });
    await signIn('clerk01');
  });

  it('tells a clerk the layout and printer to print with, which the settings set', async () => {
    await setDevices((s) => ({ ...s, printer: { deviceName: 'Counter-Thermal', layout: 'thermal80', silent: false } }));
    expect(await rig.ok('print.settings', {})).toEqual({ printing: 'browser', layout: 'thermal80', deviceName: 'Counter-Thermal', silent: false });
    await setDevices((s) => ({ ...s, printer: { deviceName: null, layout: 'a4', silent: true } }));
    expect(await rig.ok('print.settings', {})).toEqual({ printing: 'browser', layout: 'a4', deviceName: null, silent: true });
    await signIn('officer01');
    expect(await rig.call('print.settings', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await signIn('clerk01');
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
