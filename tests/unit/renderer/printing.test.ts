import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import type { HostOutput, Operator } from '../../../shared/contract';
import { DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from '../../../shared/devices';
import type { ReceiptDocument } from '../../../shared/print-documents';
import { qrSymbol, QR_QUIET_ZONE } from '../../../renderer/features/print/qr-symbol';
import { usePrintingStore } from '../../../renderer/stores/printing';
import { zxingWasmFromPackage } from '../../fixtures/qr/zxing-node';
import { fakeHost, type FakeHandlers } from './fake-host';
import { testRoot } from './test-root';

const DOC: ReceiptDocument = {
  kind: 'receipt',
  caseNo: 'WSDEMO01-20261127-0001',
  caseNoForReading: 'WSDEMO01 2026 1127 0001',
  matter: { code: '310000-GA-SFZ-002', name: '居民身份证换领' },
  department: '上海市公安局',
  holder: { name: '董琳', idType: '111', idNumberMasked: '310115********1086' },
  operator: { id: 'OP-1', name: '王晓燕' },
  workstationId: 'WS-DEMO-01',
  issuedAtText: '2026-11-27 10:00',
  training: true,
  basis: 'token',
  lines: [],
  counts: { exempt: 0, paper: 0, missing: 0 },
};

function settingsAnswer(printing: 'electron' | 'browser', layout: 'a4' | 'thermal80' = 'thermal80'): HostOutput<'print.settings'> {
  return { printing, layout, deviceName: 'Counter_Thermal', silent: true };
}

/** The printing store of a page built by the root over the fake host, with the browser's dialog recorded. */
function printingOn(handlers: FakeHandlers, browser: { print?: () => void; painted?: () => Promise<void> } = {}, operator?: Operator) {
  const host = fakeHost(handlers);
  const root = testRoot({ host: host.client, ...(operator ? { operator } : {}) });
  const store = usePrintingStore();
  store.useBrowser({ print: browser.print ?? (() => undefined), painted: browser.painted ?? (async () => undefined) });
  return { host, store, db: root.db };
}

describe('printing a document', () => {
  it('in browser mode: lays the document out in the layout of 设置, tells the clerk, then opens the browser’s dialog', async () => {
    const seen: string[] = [];
    const { host, store } = printingOn(
      { 'print.settings': () => settingsAnswer('browser') },
      { painted: async () => void seen.push('painted'), print: () => seen.push(`dialog with ${store.job?.layout} ${store.job?.doc.caseNo}`) },
    );
    const result = await store.print(DOC, { beforeBrowserDialog: (settings) => seen.push(`hint ${settings.deviceName}`) });
    expect(seen).toEqual(['hint Counter_Thermal', 'painted', 'dialog with thermal80 WSDEMO01-20261127-0001']);
    expect(result).toEqual({ outcome: 'browser', deviceName: 'Counter_Thermal', layout: 'thermal80', message: '' });
    expect(host.names()).toEqual(['print.settings']);
    // The document stays laid out (Ctrl+P, a reprint) until it is cleared.
    expect(store.job).toMatchObject({ layout: 'thermal80', doc: { caseNo: DOC.caseNo } });
    store.clear();
    expect(store.job).toBeNull();
  });

  it('in Electron: the host prints the window to the printer of 设置, and its answer (a fallback to the dialog and why) comes back', async () => {
    let dialogs = 0;
    const { host, store } = printingOn(
      {
        'print.settings': () => settingsAnswer('electron', 'a4'),
        'print.document': () => ({
          outcome: 'dialog',
          deviceName: 'Counter_Thermal',
          layout: 'a4',
          message: '静默打印到打印机“Counter_Thermal”失败（Invalid printer settings），已改用打印对话框打印。',
        }),
      },
      { print: () => dialogs++ },
    );
    const result = await store.print(DOC);
    expect(host.calls).toEqual([
      { name: 'print.settings', input: {} },
      { name: 'print.document', input: { source: 'window' } },
    ]);
    expect(result.outcome).toBe('dialog');
    expect(result.message).toContain('已改用打印对话框打印');
    expect(dialogs).toBe(0);
    expect(store.job?.layout).toBe('a4');
    expect(store.busy).toBe(false);
  });

  it('reads the layout at each print: a change in 设置 applies to the next document', async () => {
    let layout: 'a4' | 'thermal80' = 'a4';
    const { store } = printingOn({ 'print.settings': () => settingsAnswer('browser', layout) });
    await store.print(DOC);
    expect(store.job?.layout).toBe('a4');
    layout = 'thermal80';
    await store.print(DOC);
    expect(store.job?.layout).toBe('thermal80');
  });
});

describe('the printer settings', () => {
  it('saves the printer part into the device settings as the host holds them, and logs each change', async () => {
    // The reader part changed elsewhere since the page loaded: it must survive the printer's save.
    let held: DeviceSettings = { ...DEFAULT_DEVICE_SETTINGS, idReader: { ...DEFAULT_DEVICE_SETTINGS.idReader, timeoutMs: 9_000 } };
    const view = () => ({ settings: held, presets: [], training: true, printing: 'browser' as const });
    const { store, db } = printingOn(
      {
        'devices.settings.get': () => view(),
        'devices.settings.set': (next) => {
          const changes = next.printer.layout !== held.printer.layout ? [{ field: 'printer.layout', from: held.printer.layout, to: next.printer.layout }] : [];
          held = next;
          return { ...view(), changes };
        },
      },
      {},
      { id: 'OP-S', name: '李主任', role: 'supervisor', unitCode: 'U1', unitName: '中心' },
    );

    expect(await store.loadPrinterSettings()).toEqual({ printer: DEFAULT_DEVICE_SETTINGS.printer, printing: 'browser' });
    const changes = await store.savePrinterSettings({ deviceName: 'Counter_Thermal', layout: 'thermal80', silent: true });
    expect(changes).toEqual([{ field: 'printer.layout', from: 'a4', to: 'thermal80' }]);
    expect(held.idReader.timeoutMs).toBe(9_000);
    expect(held.printer).toEqual({ deviceName: 'Counter_Thermal', layout: 'thermal80', silent: true });
    const events = await db.auditEvents.toArray();
    expect(events.map((e) => [e.kind, e.operator, e.details])).toEqual([
      ['device_settings_change', 'OP-S', { changes: [{ field: 'printer.layout', from: 'a4', to: 'thermal80' }] }],
    ]);

    // Saved again unchanged: nothing to log.
    expect(await store.savePrinterSettings({ deviceName: 'Counter_Thermal', layout: 'thermal80', silent: true })).toEqual([]);
    expect(await db.auditEvents.count()).toBe(1);
    db.close();
  });
});

describe('the QR code of a printed document', () => {
  beforeAll(async () => {
    await prepareZXingModule({ overrides: { wasmBinary: (zxingWasmFromPackage() as { wasmBinary: ArrayBuffer }).wasmBinary }, fireImmediately: true });
  });

  it('carries the case number, reads back, and has its quiet zone', async () => {
    const symbol = qrSymbol('WSDEMO01-20261127-0001');
    const px = 4;
    const width = symbol.size * px;
    const data = new Uint8ClampedArray(width * width * 4).fill(255);
    let darkCount = 0;
    for (let y = 0; y < symbol.size; y++) {
      for (let x = 0; x < symbol.size; x++) {
        if (!symbol.dark(x, y)) continue;
        darkCount++;
        for (let dy = 0; dy < px; dy++)
          for (let dx = 0; dx < px; dx++) data.fill(0, ((y * px + dy) * width + x * px + dx) * 4, ((y * px + dy) * width + x * px + dx) * 4 + 3);
      }
    }
    const results = await readBarcodes({ data, width, height: width } as unknown as ImageData, { formats: ['QRCode'], maxNumberOfSymbols: 1 });
    expect(results.filter((r) => r.isValid).map((r) => r.text)).toEqual(['WSDEMO01-20261127-0001']);
    // Version 2 (25 modules) with level M, 4 modules of quiet zone each side; one path square per dark module.
    expect(symbol.size).toBe(25 + 2 * QR_QUIET_ZONE);
    for (let i = 0; i < symbol.size; i++) {
      for (const [x, y] of [
        [i, 0],
        [0, i],
        [i, symbol.size - 1],
        [symbol.size - 1, i],
      ] as const)
        expect(symbol.dark(x, y)).toBe(false);
    }
    expect(symbol.path.match(/M/g)).toHaveLength(darkCount);
  });
});
