/**
 * The host's `devices` service: which reader is in use (the sandbox's simulator in training, the
 * configured preset otherwise), one read at a time, the device settings and the printer.
 */
import type { IdCardRead, PrintResult, ReaderStatus } from '../../../shared/contract';
import {
  deviceSettingsChanges,
  READER_PRESETS,
  simulatorReaderConfig,
  type DeviceSettingChange,
  type DeviceSettings,
  type PrintLayout,
  type ReaderConfig,
  type ReaderPresetId,
} from '../../../shared/devices';
import { HOST_ERROR_MESSAGES_ZH, HostCallError, type HostErrorCode } from '../../../shared/errors';
import { checkIdCard } from '../../../shared/id-card';
import { maskIdNumber } from '../../../shared/ids';
import { readIdCard } from './id-reader';
import { LAYOUT_LABELS, type PrintSource, type PrintingPort } from './printing';

/** Where the reader simulator answers (the sandbox's, in training). */
export interface SimulatorEndpoints {
  httpUrl: string;
  wsUrl: string;
}

/** What the devices service needs from the host. */
export interface DevicesServiceOptions {
  settings: DeviceSettings;
  /** Called with the new settings after each change (persisting them); absent keeps them for this run. */
  save?: (settings: DeviceSettings) => void;
  /** Whether the workstation runs on the sandbox (模拟办事). */
  training: () => boolean;
  /** The sandbox's reader simulator, if it runs. */
  simulator: () => Promise<SimulatorEndpoints | null>;
  /** The printer (Electron); null in browser mode. */
  printing: PrintingPort | null;
  now?: () => Date;
}

/** The reader a read goes to. */
interface ResolvedReader {
  config: ReaderConfig;
  source: 'simulator' | 'reader';
  presetId: ReaderPresetId;
}

const STATUS_BY_CODE: Partial<Record<HostErrorCode, ReaderStatus['state']>> = {
  READER_NOT_CONFIGURED: 'not_configured',
  READER_NO_CARD: 'ready',
  READER_BUSY: 'busy',
  READER_ABSENT: 'absent',
  READER_TIMEOUT: 'timeout',
  READER_UNREADABLE: 'unreadable',
  READER_MALFORMED: 'malformed',
};

/** The devices of one workstation. */
export class DevicesService {
  private current: DeviceSettings;
  private reading = false;
  private readonly now: () => Date;

  constructor(private readonly options: DevicesServiceOptions) {
    this.current = structuredClone(options.settings);
    this.now = options.now ?? (() => new Date());
  }

  /** The settings in force. */
  settings(): DeviceSettings {
    return structuredClone(this.current);
  }

  /** Replaces the settings (already validated against the contract) and says what changed. */
  update(next: DeviceSettings): { settings: DeviceSettings; changes: DeviceSettingChange[] } {
    const changes = deviceSettingsChanges(this.current, next);
    if (changes.length > 0) {
      this.options.save?.(next);
      this.current = structuredClone(next);
    }
    return { settings: this.settings(), changes };
  }

  /** The device settings as the settings page shows them. */
  view() {
    return {
      settings: this.settings(),
      presets: READER_PRESETS.map((preset) => ({ ...preset })),
      training: this.options.training(),
      printing: this.options.printing ? ('electron' as const) : ('browser' as const),
    };
  }

  private async simulatorConfig(transport: 'http' | 'ws', presetId: ReaderPresetId): Promise<ResolvedReader> {
    const simulator = await this.options.simulator();
    if (!simulator) throw new HostCallError('READER_NOT_CONFIGURED', '演示/培训环境的读卡器模拟器未启动，请手工录入证件号码，并请技术支持检查沙箱。');
    return { config: simulatorReaderConfig(transport, simulator, this.current.idReader.timeoutMs), source: 'simulator', presetId };
  }

  /**
   * The reader in use: in training the sandbox's simulator (unless the settings want the
   * configured reader there too); otherwise the configured preset. The simulator presets never
   * serve outside training: a clerk must not take a simulated card for a real one.
   */
  async resolveReader(): Promise<ResolvedReader> {
    const { idReader } = this.current;
    const training = this.options.training();
    if (training && idReader.inTraining === 'simulator') {
      return idReader.preset === 'simulator-ws' ? this.simulatorConfig('ws', 'simulator-ws') : this.simulatorConfig('http', 'simulator-http');
    }
    switch (idReader.preset) {
      case 'none':
        throw new HostCallError('READER_NOT_CONFIGURED');
      case 'simulator-http':
      case 'simulator-ws':
        if (!training)
          throw new HostCallError(
            'READER_NOT_CONFIGURED',
            '设置中选择的是培训模拟读卡器，它只能在演示/培训环境中使用；请手工录入证件号码，并请值班长在“设置”中选择实际的阅读器型号。',
          );
        return this.simulatorConfig(idReader.preset === 'simulator-ws' ? 'ws' : 'http', idReader.preset);
      case 'custom':
        if (!idReader.custom) throw new HostCallError('READER_NOT_CONFIGURED');
        return { config: idReader.custom, source: 'reader', presetId: 'custom' };
    }
  }

  private async readOnce(): Promise<{ reader: ResolvedReader; read: Awaited<ReturnType<typeof readIdCard>> }> {
    // One read at a time: a second press while the reader works is told so, not queued.
    if (this.reading) throw new HostCallError('READER_BUSY', '上一次读卡尚未结束，请稍候。');
    this.reading = true;
    try {
      const reader = await this.resolveReader();
      return { reader, read: await readIdCard(reader.config) };
    } finally {
      this.reading = false;
    }
  }

  /** Reads the card on the reader, with the counter's checks on it. */
  async readIdCard(): Promise<IdCardRead> {
    const { reader, read } = await this.readOnce();
    const now = this.now();
    const checks = checkIdCard(read.card, now);
    return {
      card: read.card,
      readerId: read.readerId,
      source: reader.source,
      readAt: now.toISOString(),
      maskedIdNumber: maskIdNumber(read.card.idNumber),
      checks,
    };
  }

  /** The preset a read goes to now (the simulator's in training, unless configured otherwise). */
  private effectivePreset(): ReaderPresetId {
    const { idReader } = this.current;
    if (this.options.training() && idReader.inTraining === 'simulator') return idReader.preset === 'simulator-ws' ? 'simulator-ws' : 'simulator-http';
    return idReader.preset;
  }

  /** What state the reader is in: a read whose card data is dropped at once. */
  async readerStatus(): Promise<ReaderStatus> {
    const presetId = this.effectivePreset();
    try {
      const { reader, read } = await this.readOnce();
      return { state: 'card_present', source: reader.source, presetId: reader.presetId, readerId: read.readerId, message: '阅读器上有一张身份证，可以读卡。' };
    } catch (error) {
      if (!(error instanceof HostCallError)) throw error;
      const state = STATUS_BY_CODE[error.code];
      if (!state) throw error;
      const source = state === 'not_configured' ? null : presetId.startsWith('simulator') ? 'simulator' : 'reader';
      const message = state === 'ready' ? '阅读器已就绪，请将身份证放在感应区。' : error.message;
      return { state, source, presetId, readerId: null, message };
    }
  }

  /** The printer settings the counter lays its documents out by, and how it prints. */
  printSettings(): { printing: 'electron' | 'browser'; layout: PrintLayout; deviceName: string | null; silent: boolean } {
    const { printer } = this.current;
    return { printing: this.options.printing ? 'electron' : 'browser', layout: printer.layout, deviceName: printer.deviceName, silent: printer.silent };
  }

  /** Prints a document with the printer settings; browser mode answers that the browser prints it. */
  async print(job: PrintSource): Promise<PrintResult> {
    const { printer } = this.current;
    if (!this.options.printing) {
      return {
        outcome: 'browser',
        deviceName: printer.deviceName,
        layout: printer.layout,
        message: `浏览器模式下由浏览器的打印对话框打印：请选择打印机${printer.deviceName ? `“${printer.deviceName}”` : ''}，纸张为 ${LAYOUT_LABELS[printer.layout]}。`,
      };
    }
    return this.options.printing.print(job, { deviceName: printer.deviceName, layout: printer.layout, silent: printer.silent });
  }

  /** The printers the system knows. */
  async printers(): Promise<{ available: boolean; printers: Awaited<ReturnType<PrintingPort['printers']>> }> {
    if (!this.options.printing) return { available: false, printers: [] };
    try {
      return { available: true, printers: await this.options.printing.printers() };
    } catch {
      throw new HostCallError('PRINT_FAILED', `${HOST_ERROR_MESSAGES_ZH.PRINT_FAILED}（无法列出打印机）`);
    }
  }
}
