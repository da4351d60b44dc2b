import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { HostOutput, Operator } from '../../../shared/contract';
import type { HallWorkstation } from '../../../shared/hall-api';
import { AppError } from '../../../renderer/host/client';
import { hallAdminFailureText } from '../../../renderer/features/hall-scope/hall-views';
import { hallWorkstationRows, revokedWindows, revokeRefusal } from '../../../renderer/features/hall-scope/hall-workstations';
import { useHallStore } from '../../../renderer/stores/hall';
import { fakeHost, type FakeHandlers } from './fake-host';
import { testRoot } from './test-root';

const SUPERVISOR: Operator = { id: 'OP-SV-01', name: '李建国', role: 'supervisor', unitCode: 'U1', unitName: '中心' };

function window(id: string, revokedAt: string | null = null): HallWorkstation {
  return {
    workstationId: id,
    fingerprint: `${id.slice(-2)}AA BBCC DDEE FF00 1122`,
    enrolledAt: '2026-11-20T01:00:00.000Z',
    revokedAt,
    revokedBy: revokedAt ? 'OP-SV-01' : null,
    lastSeenAt: '2026-11-27T01:00:00.000Z',
    lastPushAt: '2026-11-27T01:00:00.000Z',
    epoch: 1,
    auditHighest: 10,
    auditPending: 0,
    recordsHighest: 2,
    ingest: 'open',
    lastRefusal: null,
    outbox: null,
  };
}

function status(workstationId: string): HostOutput<'hall.status'> {
  return {
    mode: 'remote',
    url: 'http://127.0.0.1:8790',
    enrolled: true,
    hall: { id: 'HALL-1', name: '浦东新区行政服务中心', fingerprint: '643E 294C A3A4 1174 C6EB', enrolledAt: '2026-11-20T01:00:00.000Z' },
    workstationId,
    workstationFingerprint: '0D40 7D5C A84D A88E D22F',
    state: 'online',
    lastSuccessAt: null,
    lastSyncAt: null,
    lastError: null,
    sync: null,
    fallback: 'embedded',
  };
}

async function hallOn(handlers: FakeHandlers) {
  const host = fakeHost({ 'hall.status': () => status('HALLA01'), ...handlers });
  const root = testRoot({ host: host.client, operator: SUPERVISOR });
  const store = useHallStore();
  await store.probe();
  return { host, store, db: root.db };
}

describe('the hall’s windows in 设置', () => {
  it('lists this workstation first as 本机, then the windows in service, then the revoked ones', () => {
    const rows = hallWorkstationRows([window('HALLC03', '2026-11-26T02:00:00.000Z'), window('HALLB02'), window('HALLA01'), window('HALLA00')], 'HALLA01');
    expect(rows.map((r) => [r.workstationId, r.state, r.self, r.refusal])).toEqual([
      ['HALLA01', 'active', true, 'self'],
      ['HALLA00', 'active', false, null],
      ['HALLB02', 'active', false, null],
      ['HALLC03', 'revoked', false, 'revoked'],
    ]);
    expect([...revokedWindows(rows)]).toEqual(['HALLC03']);
  });

  it('never offers to revoke this workstation itself, whether or not it is revoked', () => {
    expect(revokeRefusal({ workstationId: 'HALLA01', revokedAt: null }, 'HALLA01')).toBe('self');
    expect(revokeRefusal({ workstationId: 'HALLA01', revokedAt: '2026-11-26T02:00:00.000Z' }, 'HALLA01')).toBe('self');
    expect(revokeRefusal({ workstationId: 'HALLB02', revokedAt: null }, 'HALLA01')).toBeNull();
    // Not enrolled (no id at the hall): every window may be revoked by whoever can reach the hall.
    expect(revokeRefusal({ workstationId: 'HALLB02', revokedAt: null }, null)).toBeNull();
  });

  it('says what went wrong and what to do, in Chinese', () => {
    expect(hallAdminFailureText(new AppError('HALL_UNAVAILABLE'))).toContain('无法连接大厅服务器');
    expect(hallAdminFailureText(new AppError('HALL_UNAVAILABLE'))).toContain('刷新');
    expect(hallAdminFailureText(new AppError('FORBIDDEN'))).toContain('只有值班长');
    expect(hallAdminFailureText(new AppError('HALL_REVOKED'))).toContain('已被吊销');
    expect(hallAdminFailureText(new AppError('HALL_NOT_ENROLLED'))).toContain('登记到大厅');
    expect(hallAdminFailureText(new AppError('NOT_FOUND'), 'HALLB09')).toBe('大厅服务器上没有工作台 HALLB09：请点“刷新”后重试。');
  });
});

describe('revoking a window', () => {
  it('asks the hall and logs it in the audit chain with what the hall recorded', async () => {
    const { host, store, db } = await hallOn({
      'hall.workstations.revoke': ({ workstation }) => window(workstation, '2026-11-27T02:00:00.000Z'),
    });
    const revoked = await store.revokeWorkstation(window('HALLB02'), '设备报废');
    expect(revoked.revokedAt).toBe('2026-11-27T02:00:00.000Z');
    expect(host.calls.at(-1)).toEqual({ name: 'hall.workstations.revoke', input: { workstation: 'HALLB02', reason: '设备报废' } });
    const events = (await db.auditEvents.toArray()).filter((e) => e.kind === 'hall_admin');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      operator: 'OP-SV-01',
      role: 'supervisor',
      case: null,
      details: {
        action: 'revoke_workstation',
        workstation: 'HALLB02',
        fingerprint: window('HALLB02').fingerprint,
        reason: '设备报废',
        ok: true,
        revokedAt: '2026-11-27T02:00:00.000Z',
      },
    });
  });

  it('logs an attempt the hall did not carry out, with the code, and passes the failure on', async () => {
    const { store, db } = await hallOn({
      'hall.workstations.revoke': () => {
        throw new AppError('HALL_UNAVAILABLE');
      },
    });
    await expect(store.revokeWorkstation(window('HALLB02'), '设备丢失')).rejects.toMatchObject({ code: 'HALL_UNAVAILABLE' });
    const events = (await db.auditEvents.toArray()).filter((e) => e.kind === 'hall_admin');
    expect(events.map((e) => e.details)).toEqual([
      {
        action: 'revoke_workstation',
        workstation: 'HALLB02',
        fingerprint: window('HALLB02').fingerprint,
        reason: '设备丢失',
        ok: false,
        code: 'HALL_UNAVAILABLE',
      },
    ]);
  });

  it('refuses this workstation itself before asking the hall', async () => {
    const { host, store, db } = await hallOn({});
    await expect(store.revokeWorkstation(window('HALLA01'), '误操作')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('不能在本工作台吊销本工作台'),
    });
    expect(host.names()).toEqual(['hall.status']);
    expect((await db.auditEvents.toArray()).filter((e) => e.kind === 'hall_admin').length).toBe(0);
  });
});

describe('acknowledging a chain alert', () => {
  const ALERT = { id: 'ALERT-7', workstationId: 'HALLB02', reason: 'truncated' as const, seq: 41 };
  const acknowledged = (note: string) => ({
    alert: {
      ...ALERT,
      epoch: 1,
      detail: '日志被截断',
      raisedAt: '2026-11-27T01:00:00.000Z',
      acknowledgedAt: '2026-11-27T02:30:00.000Z',
      acknowledgedBy: 'OP-SV-01',
      note,
    },
    epoch: 2,
  });

  it('asks the hall and logs it in the audit chain: the alert, its window, why, the note, the hall’s time and the new epoch', async () => {
    const { host, store, db } = await hallOn({ 'hall.alerts.acknowledge': ({ note }) => acknowledged(note) });
    const answer = await store.acknowledgeAlert(ALERT, '已核实：误删本机浏览器数据');
    expect(answer.epoch).toBe(2);
    expect(host.calls.at(-1)).toEqual({ name: 'hall.alerts.acknowledge', input: { id: 'ALERT-7', note: '已核实：误删本机浏览器数据' } });
    const events = (await db.auditEvents.toArray()).filter((e) => e.kind === 'hall_admin');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      operator: 'OP-SV-01',
      role: 'supervisor',
      case: null,
      details: {
        action: 'acknowledge_alert',
        alert: 'ALERT-7',
        workstation: 'HALLB02',
        alertReason: 'truncated',
        alertSeq: 41,
        note: '已核实：误删本机浏览器数据',
        ok: true,
        acknowledgedAt: '2026-11-27T02:30:00.000Z',
        epoch: 2,
      },
    });
  });

  it('logs an acknowledgement the hall did not carry out, with the code (one acknowledged meanwhile: CONFLICT), and passes the failure on', async () => {
    const { store, db } = await hallOn({
      'hall.alerts.acknowledge': () => {
        throw new AppError('CONFLICT');
      },
    });
    await expect(store.acknowledgeAlert(ALERT, '已核实')).rejects.toMatchObject({ code: 'CONFLICT' });
    const events = (await db.auditEvents.toArray()).filter((e) => e.kind === 'hall_admin');
    expect(events.map((e) => e.details)).toEqual([
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
    ]);
  });
});
