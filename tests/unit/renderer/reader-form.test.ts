import { describe, expect, it } from 'vitest';
import { DEFAULT_DEVICE_SETTINGS, simulatorReaderConfig, type ReaderConfig } from '../../../shared/devices';
import {
  changedSettingNames,
  CUSTOM_TEMPLATE,
  customFormOf,
  deviceSettingName,
  readerFieldOfPath,
  readerFormOf,
  readerSettingsOf,
  type ReaderForm,
} from '../../../renderer/features/settings/reader-form';

const PRINTER = DEFAULT_DEVICE_SETTINGS.printer;

// A vendor service of another shape (a nested certificate, two validity fields, a fixed reader id).
const VENDOR: ReaderConfig = {
  transport: 'http',
  url: 'http://127.0.0.1:24010/ZKIDROnline/ScanReadIdCardInfo',
  method: 'GET',
  request: null,
  statusField: 'ret',
  successValues: ['0'],
  noCardValues: ['-2', '-3'],
  busyValues: [],
  absentValues: ['-1'],
  messageField: 'Certificate.Error',
  dataPath: 'Certificate',
  fields: {
    name: 'Name',
    sex: 'Sex',
    ethnicity: 'Nation',
    birthDate: 'Birthday',
    address: 'Address',
    idNumber: 'IDNumber',
    issuingAuthority: 'IDIssued',
    validFrom: 'ValidFrom',
    validTo: 'ValidTo',
    validPeriod: null,
    photo: 'Base64Photo',
  },
  photo: { encoding: 'data_url', type: 'image/bmp' },
  readerIdField: null,
  readerId: 'PD-W07-IDR',
  timeoutMs: 5_000,
};

function customForm(change: (form: ReaderForm) => void): ReaderForm {
  const form = readerFormOf({ preset: 'custom', custom: VENDOR, inTraining: 'simulator', timeoutMs: 8_000 });
  change(form);
  return form;
}

describe('the reader settings form', () => {
  it('gives back exactly the configuration it was made from', () => {
    for (const config of [VENDOR, simulatorReaderConfig('ws', { httpUrl: 'http://127.0.0.1:9001', wsUrl: 'ws://127.0.0.1:9001' })]) {
      const form = readerFormOf({ preset: 'custom', custom: config, inTraining: 'configured', timeoutMs: 3_000 });
      expect(readerSettingsOf(form, PRINTER, null)).toEqual({
        ok: true,
        settings: { preset: 'custom', custom: config, inTraining: 'configured', timeoutMs: 3_000 },
      });
    }
  });

  it('starts a new custom reader from the common layout, its address left to fill', () => {
    const form = readerFormOf(DEFAULT_DEVICE_SETTINGS.idReader);
    expect(form.custom).toEqual(CUSTOM_TEMPLATE);
    form.preset = 'custom';
    const refused = readerSettingsOf(form, PRINTER, null);
    expect(refused).toEqual({ ok: false, problems: { url: '读卡服务地址必须是本机地址（127.0.0.1 或 localhost），以 http:// 或 ws:// 开头' } });
    form.custom.url = 'http://127.0.0.1:19196/readcard';
    const saved = readerSettingsOf(form, PRINTER, null);
    expect(saved.ok && saved.settings.custom).toMatchObject({
      url: 'http://127.0.0.1:19196/readcard',
      request: { cmd: 'ReadCard' },
      successValues: ['0'],
      fields: { idNumber: 'gmsfhm', validPeriod: 'yxqx', validFrom: null },
    });
  });

  it('reads value lists separated by commas, Chinese commas or spaces, and empty optional fields as none', () => {
    const result = readerSettingsOf(
      customForm((f) => {
        f.custom.noCardValues = '-2，-3  -4';
        f.custom.messageField = '  ';
        f.custom.photo = '';
      }),
      PRINTER,
      null,
    );
    expect(result.ok && result.settings.custom).toMatchObject({ noCardValues: ['-2', '-3', '-4'], messageField: null, fields: { photo: null } });
  });

  it('says under each field what is wrong, in Chinese, before anything is sent', () => {
    const result = readerSettingsOf(
      customForm((f) => {
        f.custom.url = 'http://192.168.1.20:8000/read';
        f.custom.request = '{cmd: ReadCard}';
        f.custom.method = 'POST';
        f.custom.successValues = '';
        f.custom.statusField = '';
        f.custom.fields.name = 'Certificate..Name';
        f.custom.timeoutMs = 100;
      }),
      PRINTER,
      null,
    );
    expect(result).toEqual({
      ok: false,
      problems: {
        request: '读卡指令不是有效的 JSON，例如 {"cmd":"ReadCard"}',
        url: '读卡服务地址必须是本机地址（127.0.0.1 或 localhost），以 http:// 或 ws:// 开头',
        statusField: '请填写此项',
        successValues: '至少填写一个表示读卡成功的状态值',
        'fields.name': '字段路径只能包含字母、数字、_、$、- 并以 . 分隔（最多 6 层）',
        customTimeoutMs: '超时时间至少 500 毫秒',
      },
    });
    const ws = readerSettingsOf(
      customForm((f) => {
        f.custom.transport = 'ws';
        f.custom.request = '';
      }),
      PRINTER,
      null,
    );
    expect(ws).toMatchObject({ ok: false, problems: { url: 'WebSocket 方式的地址须以 ws:// 开头', request: 'WebSocket 方式须填写发送的读卡指令（JSON）' } });
  });

  it('keeps the saved custom reader when another preset is chosen for a while', () => {
    const form = readerFormOf({ preset: 'custom', custom: VENDOR, inTraining: 'simulator', timeoutMs: 8_000 });
    form.preset = 'none';
    form.custom.url = 'not even a url';
    expect(readerSettingsOf(form, PRINTER, VENDOR)).toEqual({
      ok: true,
      settings: { preset: 'none', custom: VENDOR, inTraining: 'simulator', timeoutMs: 8_000 },
    });
  });

  it('places a host refusal under its field, and names a changed setting', () => {
    expect(readerFieldOfPath('idReader.custom.url')).toBe('url');
    expect(readerFieldOfPath('idReader.custom.fields.idNumber')).toBe('fields.idNumber');
    expect(readerFieldOfPath('idReader.custom.fields.validPeriod')).toBe('validPeriod');
    expect(readerFieldOfPath('idReader.custom.photo.type')).toBe('photoType');
    expect(readerFieldOfPath('idReader.custom')).toBe('preset');
    expect(readerFieldOfPath('idReader.timeoutMs')).toBe('timeoutMs');
    expect(readerFieldOfPath('idReader.custom.timeoutMs')).toBe('customTimeoutMs');
    expect(deviceSettingName('idReader.custom.url')).toBe('读卡服务地址');
    expect(deviceSettingName('printer.somethingNew')).toBe('printer.somethingNew');
    expect(customFormOf(VENDOR).validity).toBe('range');
    const fresh = ['idReader.custom.url', 'idReader.custom.statusField', 'idReader.custom.fields', 'idReader.custom.transport', 'idReader.preset'].map(
      (field) => ({ field }),
    );
    expect(changedSettingNames(fresh)).toEqual(['自定义阅读器配置', '身份证阅读器型号']);
    expect(changedSettingNames([{ field: 'idReader.custom.url' }, { field: 'idReader.inTraining' }])).toEqual(['读卡服务地址', '培训时读卡']);
  });
});
