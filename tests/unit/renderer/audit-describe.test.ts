import { describe, expect, it } from 'vitest';
import { createAuditEvent, type AuditEvent, type AuditEventKind } from '../../../shared/audit-chain';
import { operatorLabel } from '../../../shared/operators';
import { i18n } from '../../../renderer/i18n';
import { createAuditDescriber } from '../../../renderer/features/supervision/audit-describe';
import { shanghaiTime } from '../../../renderer/features/supervision/supervisor';

const DIRECTORY = new Map([['OP-PD-0101', { id: 'OP-PD-0101', name: '王晓燕', username: 'clerk01' }]]);
const { t, te } = i18n.global as unknown as { t: (key: string, named?: Record<string, unknown>) => string; te: (key: string) => boolean };
const describer = createAuditDescriber({ t, te, operatorLabel: (id) => operatorLabel(id, DIRECTORY), time: shanghaiTime });

function event(kind: AuditEventKind, details: Record<string, unknown>): AuditEvent {
  return createAuditEvent(null, {
    at: '2026-11-26T02:00:00Z',
    operator: 'OP-PD-0101',
    role: 'clerk',
    workstation: 'WS-DEMO-01',
    case: 'WSDEMO01-20261126-0001',
    kind,
    details,
  });
}

describe('audit events as a supervisor reads them', () => {
  it.each<[AuditEventKind, Record<string, unknown>, string]>([
    ['sign_in', { offline: false, username: 'clerk01', name: '王晓燕' }, '登录工作台'],
    ['sign_in', { offline: true }, '登录工作台（证照库无法连接，凭本机保存的凭证离线登录）'],
    ['case_open', { matterCode: '310000-GA-SFZ-002', matterName: '居民身份证换领' }, '开始办理事项“居民身份证换领”（310000-GA-SFZ-002）'],
    ['token_read', { ok: false, code: 'TOKEN_EXPIRED' }, '亮证码未通过校验：亮证码已过期'],
    ['grant', { ok: true, basis: 'token', grantId: 'G-1', expiresAt: '2026-11-26T04:00:00Z' }, '取得亮证码授权（授权编号 G-1）'],
    ['grant', { ok: false, basis: 'token', code: 'LIBRARY_UNAVAILABLE', holder: '310115********1086' }, '未取得亮证码授权：证照库暂时无法连接'],
    ['pull', { materialId: 'M01', licences: ['L1', 'L2'], latencyMs: 180 }, '调取材料 M01 的电子证照 2 份，耗时 180 毫秒'],
    [
      'verification',
      { materialId: 'M07', licenceId: 'L', outcome: 'expired', failed: ['validity_window'], fileHash: 'ab' },
      '核验材料 M07 的电子证照：已过期；未通过：有效期',
    ],
    [
      'paper_scan',
      { materialId: 'M03', reason: 'not_in_library', pages: 2, added: 2, hash: 'cd' },
      '为材料 M03 收取纸质材料 2 页（证照库中无此证照），共 2 页',
    ],
    [
      'override',
      { materialId: 'M01', kind: 'choose_paper', reason: '申请人要求', operatorId: 'OP-PD-0101', at: '2026-11-26T02:00:00Z' },
      '人工改为收取纸质材料（材料 M01），理由：申请人要求',
    ],
    [
      'completion',
      {
        materials: [
          { materialId: 'M01', outcome: 'exempt', licenceId: 'L', paperReason: null },
          { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'elderly' },
        ],
      },
      '办结：2 项材料，电子证照免交 1 项，收取纸质材料 1 项，未提交 0 项',
    ],
    ['usage_record', { state: 'delivered', key: 'k', id: 'UR-1' }, '用证记录已送达证照库'],
    [
      'purge',
      { reason: 'retention', retentionDays: 30, paperPagesDeleted: 4, casesWithPagesDeleted: 2, abandonedCases: [] },
      '清除保存期满（30 天）的纸质扫描件 4 页',
    ],
    [
      'objection',
      { id: 'OBJ-1', licenceId: 'L', dimension: 'accuracy', fields: ['address'], evidence: 1, state: 'queued' },
      '对证照 L 提出异议（准确性），异议编号 OBJ-1',
    ],
    ['objection_update', { id: 'OBJ-1', status: 'corrected', newLicenceId: 'L2' }, '收到发证机构对异议 OBJ-1 的处理结果：已更正'],
    ['review', { action: 'finding', reviewId: 'R', verdict: 'issue', note: '未告知' }, '记录抽查结论：发现问题'],
    [
      'chain_verify',
      { ok: false, checked: 9, total: 20, firstBroken: { seq: 10, reason: 'hash_mismatch' }, hashing: 'wasm-simd' },
      '校验审计链：在第 10 条记录处断开',
    ],
    ['settings_change', { changes: [{ field: 'paperRetentionDays', from: 30, to: 60 }] }, '修改设置：纸质扫描件保留天数'],
    [
      'device_settings_change',
      {
        changes: [
          { field: 'printer.layout', from: 'a4', to: 'thermal80' },
          { field: 'printer.deviceName', from: null, to: 'Counter_Thermal' },
        ],
      },
      '修改设备设置：打印版式、打印机',
    ],
    ['receipt_print', { caseNo: 'C' }, '打印回执'],
    ['receipt_print', { caseNo: 'C', layout: 'thermal80', printOutcome: 'printed' }, '打印回执（80 毫米热敏）：已发送到打印机'],
    [
      'notice',
      { choice: 'keep_open', materials: [{ materialId: 'M03', noticeReason: 'not_in_library', outcome: null }] },
      '出具一次性告知书：1 项必交材料待补齐（M03），办件保留待补齐后继续办理',
    ],
    [
      'notice',
      {
        choice: 'close_correction',
        materials: [
          { materialId: 'M03', noticeReason: 'not_in_library' },
          { materialId: 'M07', noticeReason: 'licence_invalid', outcome: 'expired' },
        ],
      },
      '出具一次性告知书：2 项必交材料待补齐（M03、M07），办件以补正结束',
    ],
    ['notice_print', { caseNo: 'C', layout: 'a4', printOutcome: 'browser' }, '打印一次性告知书（A4）：浏览器打印对话框'],
    ['purge', { reason: 'correction', purgedLicences: 2, paperDeleted: true }, '办件以补正结束，清除调取的电子证照数据（2 份证照）和纸质扫描件'],
    [
      'id_card_read',
      { action: 'read', ok: true, holder: '310117********1071', readerId: 'SIM-IDR-0001', source: 'simulator', validity: 'valid', problems: [] },
      '读取身份证：证件号码 310117********1071，培训模拟读卡器 SIM-IDR-0001',
    ],
    [
      'id_card_read',
      {
        action: 'read',
        ok: true,
        holder: '310120********4191',
        readerId: 'IDR-7',
        source: 'reader',
        validity: 'expired',
        problems: ['sex_mismatch', 'expired'],
      },
      '读取身份证：证件号码 310120********4191（性别与号码不符、已过有效期），阅读器 IDR-7',
    ],
    ['id_card_read', { action: 'read', ok: false, code: 'READER_ABSENT' }, '读取身份证未成功：未连接到身份证阅读器'],
    [
      'id_card_read',
      { action: 'compare_token', result: 'id_number_differs', card: '310104********8146', token: '310115********1086' },
      '身份证 310104********8146 与亮证码持有人 310115********1086 核对：不是同一人',
    ],
    [
      'id_card_read',
      { action: 'go_on_expired', holder: '310120********4191', validTo: '2025-09-30' },
      '身份证 310120********4191 已过有效期，窗口人员决定继续办理',
    ],
    ['id_card_read', { action: 'probe', state: 'absent', readerId: null }, '测试身份证阅读器：未连接到阅读器'],
    [
      'device_settings_change',
      {
        changes: [
          { field: 'idReader.preset', from: 'none', to: 'custom' },
          { field: 'idReader.custom', from: null, to: {} },
        ],
      },
      '修改设备设置：身份证阅读器型号、自定义阅读器配置',
    ],
    [
      'hall_admin',
      {
        action: 'revoke_workstation',
        workstation: 'HALLB02',
        fingerprint: '9D5C 5A2D E16C 9FF9 EEAC',
        reason: '设备报废',
        ok: true,
        revokedAt: '2026-11-26T02:00:00Z',
      },
      '吊销工作台 HALLB02 在大厅的登记，原因：设备报废',
    ],
    [
      'hall_admin',
      {
        action: 'revoke_workstation',
        workstation: 'HALLB02',
        fingerprint: '9D5C 5A2D E16C 9FF9 EEAC',
        reason: '设备报废',
        ok: false,
        code: 'HALL_UNAVAILABLE',
      },
      '吊销工作台 HALLB02 在大厅的登记未成功：大厅服务器暂时无法连接',
    ],
    [
      'hall_admin',
      {
        action: 'acknowledge_alert',
        alert: 'ALERT-7',
        workstation: 'HALLB02',
        alertReason: 'truncated',
        alertSeq: 41,
        note: '已核实',
        ok: true,
        acknowledgedAt: '2026-11-27T02:30:00Z',
        epoch: 2,
      },
      '确认窗口 HALLB02 的日志链告警 ALERT-7（日志被截断），说明：已核实；该窗口从第 2 段重新同步',
    ],
    [
      'hall_admin',
      {
        action: 'acknowledge_alert',
        alert: 'ALERT-7',
        workstation: 'HALLB02',
        alertReason: 'truncated',
        alertSeq: 41,
        note: '已核实',
        ok: false,
        code: 'CONFLICT',
      },
      '确认窗口 HALLB02 的日志链告警 ALERT-7（日志被截断）未成功：与已提交的内容冲突',
    ],
    [
      'hall_admin',
      {
        action: 'leave_hall',
        hallUrl: 'http://10.20.0.5:8790',
        hallId: 'HALL-1',
        hallName: '浦东新区行政服务中心',
        hallFingerprint: '643E 294C A3A4 1174 C6EB',
        workstation: 'HALLA01',
        ok: true,
        now: 'embedded',
      },
      '退出大厅“浦东新区行政服务中心”（http://10.20.0.5:8790），此后改用内置大厅',
    ],
    [
      'hall_admin',
      {
        action: 'leave_hall',
        hallUrl: 'http://10.20.0.5:8790',
        hallId: 'HALL-1',
        hallName: '浦东新区行政服务中心',
        hallFingerprint: '643E 294C A3A4 1174 C6EB',
        workstation: 'HALLA01',
        ok: false,
        code: 'HALL_NOT_ENROLLED',
      },
      '退出大厅“浦东新区行政服务中心”（http://10.20.0.5:8790）未成功：本工作台未在大厅登记',
    ],
    [
      'hall_admin',
      {
        action: 'enrol_hall',
        hallUrl: 'http://10.20.0.6:8790',
        replaced: 'http://10.20.0.5:8790',
        ok: true,
        hallId: 'HALL-2',
        hallName: '徐汇区行政服务中心',
        hallFingerprint: '1A2B 3C4D 5E6F 7A8B 9C0D',
        workstation: 'HALLA01',
      },
      '登记到大厅“徐汇区行政服务中心”（http://10.20.0.6:8790），大厅公钥指纹 1A2B 3C4D 5E6F 7A8B 9C0D；替换原登记（http://10.20.0.5:8790）',
    ],
    [
      'hall_admin',
      { action: 'enrol_hall', hallUrl: 'http://10.20.0.6:8790', replaced: null, ok: false, code: 'HALL_ENROLMENT_REFUSED' },
      '登记到大厅 http://10.20.0.6:8790 未成功：大厅拒绝登记（登记码错误、已使用或已过期）',
    ],
  ])('%s %j reads “%s”', (kind, details, sentence) => {
    expect(describer.describe(event(kind, details)).sentence).toBe(sentence);
  });

  it('labels a revocation at the hall in Chinese', () => {
    const { fields } = describer.describe(
      event('hall_admin', {
        action: 'revoke_workstation',
        workstation: 'HALLB02',
        fingerprint: '9D5C 5A2D E16C 9FF9 EEAC',
        reason: '设备报废',
        ok: true,
        revokedAt: '2026-11-26T02:00:00Z',
      }),
    );
    expect(fields.map((f) => `${f.label}：${f.value}`)).toEqual([
      '操作：吊销工作台',
      '工作台：HALLB02',
      '公钥指纹：9D5C 5A2D E16C 9FF9 EEAC',
      '原因：设备报废',
      '成功：是',
      '吊销时间：2026-11-26 10:00:00',
    ]);
  });

  it("labels a card read's details in Chinese, its codes in words", () => {
    const { fields } = describer.describe(
      event('id_card_read', {
        action: 'read',
        ok: true,
        holder: '310120********4191',
        readerId: 'SIM-IDR-0001',
        source: 'simulator',
        validity: 'expired',
        problems: ['expired'],
      }),
    );
    expect(fields.map((f) => `${f.label}：${f.value}`)).toEqual([
      '操作：读卡',
      '成功：是',
      '持证人证件号码：310120********4191',
      '读卡器编号：SIM-IDR-0001',
      '读卡来源：培训模拟读卡器',
      '有效期状态：已过有效期',
      '发现的问题：已过有效期',
    ]);
    const change = describer.describe(
      event('device_settings_change', { changes: [{ field: 'idReader.custom.url', from: null, to: 'http://127.0.0.1:1/x' }] }),
    ).fields;
    expect(change).toEqual([{ key: 'changes', label: '修改内容', value: '读卡服务地址：— → http://127.0.0.1:1/x' }]);
  });

  it('labels every detail in Chinese and words its codes, the operator by name and 工号', () => {
    const { fields } = describer.describe(
      event('override', {
        materialId: 'M01',
        kind: 'use_licence',
        licenceId: 'L9',
        reason: '另一有效证照',
        operatorId: 'OP-PD-0101',
        at: '2026-11-26T02:00:00Z',
      }),
    );
    expect(fields.map((f) => `${f.label}：${f.value}`)).toEqual([
      '材料：M01',
      '更正方式：改用证照',
      '证照标识：L9',
      '原因：另一有效证照',
      '操作人：王晓燕 clerk01',
      '时间：2026-11-26 10:00:00',
    ]);
    const verified = describer.describe(event('verification', { materialId: 'M07', outcome: 'revoked', failed: ['status', 'signature'] })).fields;
    expect(verified).toContainEqual({ key: 'failed', label: '未通过的核验项', value: '证照状态、签发机构签名' });
    expect(verified).toContainEqual({ key: 'outcome', label: '结果', value: '已注销/撤销/吊销' });
    const notice = describer.describe(
      event('notice', { choice: 'close_correction', materials: [{ materialId: 'M07', noticeReason: 'licence_invalid', outcome: 'expired' }] }),
    ).fields;
    expect(notice).toEqual([
      { key: 'choice', label: '办件处理', value: '以补正结束' },
      { key: 'materials', label: '材料', value: '材料 M07，需补齐的原因 电子证照无效，结果 已过期' },
    ]);
    const chain = describer.describe(event('chain_verify', { ok: false, firstBroken: { seq: 10, reason: 'hash_mismatch' }, hashing: 'wasm-simd' })).fields;
    expect(chain).toContainEqual({ key: 'firstBroken', label: '断点', value: '第 10 条（该记录的内容与其哈希值不符，记录内容被修改）' });
    expect(chain).toContainEqual({ key: 'ok', label: '成功', value: '否' });
    expect(chain).toContainEqual({ key: 'hashing', label: '哈希方式', value: 'SM3（WebAssembly SIMD）' });
  });

  it('keeps a detail nobody has labelled yet under its own key, so nothing recorded is hidden', () => {
    const { sentence, fields } = describer.describe(event('usage_record', { state: 'parked', unheardOf: 7 }));
    expect(sentence).toBe('用证记录：parked');
    expect(fields).toContainEqual({ key: 'unheardOf', label: 'unheardOf', value: '7' });
  });
});
