import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HostSettingsSchema, type HostSettings } from '../../shared/contract';
import { writeFileAtomic } from './atomic-file';
import { DEFAULT_DEVICE_SETTINGS, DeviceSettingsSchema, upgradeDeviceSettings, type DeviceSettings } from '../../shared/devices';
import { isSettingsProblem, type SettingsProblem } from '../../shared/settings-problems';

/** The settings a new workstation starts with. */
export const DEFAULT_SETTINGS: HostSettings = {
  libraryUrl: null,
  rootKey: null,
  workstationId: 'WS-DEMO-01',
  paperRetentionDays: 30,
};

/** Where the last settings saved are copied too, for restoring a damaged settings file. */
export function backupFileOf(file: string): string {
  return `${file}.bak`;
}

const DAMAGED_SUFFIX = '.damaged-';

// The host's words for what its damaged-settings page may name: the rules of the settings file
// (shared/contract.ts HostSettingsSchema). The renderer words the same codes in its catalogue.
const SETTINGS_PROBLEM_MESSAGES_ZH: Partial<Record<SettingsProblem, string>> = {
  library_url_malformed: '证照库地址格式不正确，应为 https://主机名[:端口][/路径]，不能包含空格、用户名、“?”或“#”',
  library_url_insecure: '证照库地址必须使用 https://；只有本机回环地址（127.0.0.1、localhost、[::1]）上的沙箱可以使用 http://',
  root_kid_format: '根密钥标识只能包含字母、数字和 ._-',
  root_public_key_format: '根公钥必须是以 04 开头的 130 位小写十六进制',
  workstation_id_format: '工作台编号只能包含 1-32 个字母、数字或短横线',
  retention_too_short: '保留天数至少为 1 天',
  retention_too_long: '保留天数最多为 3650 天',
};

function problemText(message: string): string {
  return (isSettingsProblem(message) && SETTINGS_PROBLEM_MESSAGES_ZH[message]) || message;
}

/**
 * The saved settings cannot be used, so the host must not serve: it never falls back to the
 * defaults, which would turn a production workstation into a training one (the embedded
 * sandbox) with another workstation id.
 */
export class SettingsUnusableError extends Error {
  constructor(
    /** The settings file. */
    readonly file: string,
    /** `damaged`: it does not parse (now or at an earlier start); `unreadable`: it cannot be read. */
    readonly problem: 'damaged' | 'unreadable',
    /** Where the damaged file was kept (moved aside), or null. */
    readonly keptAs: string | null,
    /** A backup that parses and can be copied back, or null. */
    readonly backup: string | null,
    /** What was wrong, for the log. */
    readonly detail: string,
    /** A settings rule the file breaks, in Chinese (it parses but, e.g., names an http:// library), or null. */
    readonly brokenRule: string | null = null,
  ) {
    super(`settings file ${file} is ${problem}: ${detail}`);
    this.name = 'SettingsUnusableError';
  }
}

function parseSettings(text: string): { ok: true; settings: HostSettings } | { ok: false; detail: string; brokenRule: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, detail: `not JSON (${(error as Error).message}); ${text.length} bytes`, brokenRule: null };
  }
  const parsed = HostSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    return { ok: false, detail, brokenRule: parsed.error.issues.map((issue) => problemText(issue.message)).join('；') };
  }
  return { ok: true, settings: parsed.data };
}

function usableBackup(file: string): string | null {
  const backup = backupFileOf(file);
  try {
    return parseSettings(readFileSync(backup, 'utf8')).ok ? backup : null;
  } catch {
    return null;
  }
}

/** Damaged settings files kept aside at earlier starts, newest last. */
export function damagedCopiesOf(file: string): string[] {
  const prefix = `${basename(file)}${DAMAGED_SUFFIX}`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => join(dirname(file), name));
}

/**
 * Reads the saved settings. No file at all is a new workstation: the defaults. A file that does
 * not parse (or breaks a settings rule) is moved aside as `settings.json.damaged-<time>` — kept,
 * never deleted — and SettingsUnusableError is thrown; as long as such a copy exists and no
 * settings file was put back, every start throws again, so a damaged file never silently becomes
 * a new workstation.
 */
export function loadSettings(file: string, now: () => Date = () => new Date()): HostSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new SettingsUnusableError(file, 'unreadable', null, usableBackup(file), (error as Error).message);
    const damaged = damagedCopiesOf(file);
    if (damaged.length > 0) {
      throw new SettingsUnusableError(
        file,
        'damaged',
        damaged.at(-1)!,
        usableBackup(file),
        'a damaged settings file was kept aside at an earlier start and nothing was put back',
      );
    }
    return { ...DEFAULT_SETTINGS };
  }
  const parsed = parseSettings(text);
  if (parsed.ok) return parsed.settings;
  const keptAs = `${file}${DAMAGED_SUFFIX}${now().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, keptAs);
  throw new SettingsUnusableError(file, 'damaged', keptAs, usableBackup(file), parsed.detail, parsed.brokenRule);
}

/**
 * Saves settings atomically (written aside, flushed, renamed), then the same to the backup that
 * a damaged file is restored from.
 */
export function saveSettings(file: string, settings: HostSettings): void {
  const text = `${JSON.stringify(settings, null, 2)}\n`;
  writeFileAtomic(file, text);
  writeFileAtomic(backupFileOf(file), text);
}

/** The explanation of unusable settings and how to restore them, in Chinese, for the terminal, the page and the Electron dialog. */
export function settingsUnusableMessage(error: SettingsUnusableError): { title: string; what: string; steps: string[] } {
  const dir = dirname(error.file);
  const what =
    error.problem === 'unreadable'
      ? `无法读取本工作台的设置文件 ${error.file}（${error.detail}）。`
      : error.brokenRule
        ? `本工作台的设置文件 ${error.file} 中有不符合要求的设置：${error.brokenRule}。该文件已原样保留为 ${error.keptAs}。`
        : `本工作台的设置文件 ${error.file} 已损坏（可能是写入时断电），内容无法识别。损坏的文件已原样保留为 ${error.keptAs}。`;
  const steps: string[] = [];
  if (error.problem === 'unreadable') steps.push(`检查该文件及文件夹 ${dir} 的读写权限，然后重新启动工作台。`);
  if (error.backup) steps.push(`用最近一次保存的设置恢复：将 ${error.backup} 复制为 ${error.file}，然后重新启动工作台。`);
  steps.push(
    `或由技术支持按本工作台原来的设置（证照库地址、根密钥、工作台编号、纸质材料保留天数）重新写出 ${error.file}${error.keptAs ? `（可参照 ${error.keptAs} 中尚可读的内容）` : ''}，然后重新启动工作台。`,
  );
  if (error.problem === 'damaged') {
    steps.push(
      `只有确认要把本机作为新工作台重新配置时，才删除 ${dir} 中的 ${basename(error.file)}${DAMAGED_SUFFIX}* 文件后重新启动：工作台将以演示/培训模式启动，须由值班长在“设置”中重新填写证照库地址和根密钥。`,
    );
  }
  return {
    title: '工作台设置文件无法使用，已暂停服务',
    what: `${what}为避免本工作台在未经确认的情况下改用演示/培训环境或错误的工作台编号办件，工作台暂停服务，直到设置恢复。`,
    steps,
  };
}

/**
 * Reads the saved device settings (`devices.json` beside `settings.json`); a missing file gives
 * the defaults, and so does an invalid one, with a warning, since a reader configuration lost
 * without a word would only show at the counter.
 */
export function loadDeviceSettings(file: string): DeviceSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return structuredClone(DEFAULT_DEVICE_SETTINGS);
  }
  try {
    const parsed = DeviceSettingsSchema.safeParse(upgradeDeviceSettings(JSON.parse(text)));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the warning.
  }
  console.warn(`workstation: ${file} is not valid device settings; using the defaults (no ID-card reader outside training)`);
  return structuredClone(DEFAULT_DEVICE_SETTINGS);
}

/** Saves the device settings atomically. */
export function saveDeviceSettings(file: string, settings: DeviceSettings): void {
  writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
}
