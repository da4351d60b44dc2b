import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { HostCallName, HostInput, HostOutput } from '../../../shared/contract';
import type { PaperReason } from '../../../shared/library-api';
import { createAuditLog } from '../../../renderer/audit/audit-log';
import { createCatchUp, flaggedCases } from '../../../renderer/catchup/catchup';
import { WorkstationDb, type CompletedCaseRow } from '../../../renderer/db/db';
import { hostFailure } from '../../../shared/errors';
import { AppError, type HostClient } from '../../../renderer/host/client';
import { completedCase, completedRow, keptCase as storedCase } from './rows';

type Handler<N extends HostCallName> = (input: HostInput<N>) => Promise<HostOutput<N>> | HostOutput<N>;

function fakeHost(check: Handler<'catchup.check'>) {
  const calls: HostInput<'catchup.check'>[] = [];
  const client: HostClient = {
    async call(name, input) {
      if (name !== 'catchup.check') throw new Error(`unexpected host call ${name}`);
      calls.push(input as HostInput<'catchup.check'>);
      return (await check(input as never)) as never;
    },
  };
  return { client, calls };
}

const LICENCE = '1.2.156.3005.2.11100000000013127D001.11310115MB0001201U.2019000001.001.T';

function keptCase(caseNo: string, paperReason: PaperReason, completedAt = '2026-11-27T02:10:00Z', holderName: string | null = '董琳'): CompletedCaseRow {
  const kept = storedCase(caseNo, completedAt, {
    training: true,
    materials: [
      {
        materialId: 'M01',
        name: '身份证件',
        required: true,
        record: { materialId: 'M01', outcome: 'paper', licenceId: null, paperReason },
        override: null,
        licences: [],
        paperScan: null,
      },
      {
        materialId: 'M02',
        name: '户口簿',
        required: true,
        record: { materialId: 'M02', outcome: 'paper', licenceId: null, paperReason: 'elderly' },
        override: null,
        licences: [],
        paperScan: null,
      },
    ],
  });
  const row = completedRow(kept);
  if (holderName !== null && paperReason === 'library_unreachable') row.catchUpHolder = { name: holderName, keepUntil: '2026-12-27T02:10:00.000Z' };
  return row;
}

function setup(check: Handler<'catchup.check'>, role = 'clerk') {
  const db = new WorkstationDb(`catchup-${Math.random()}`);
  const host = fakeHost(check);
  const catchUp = createCatchUp({
    db,
    client: host.client,
    audit: createAuditLog(db),
    actor: () => ({ operator: 'OP-1', role, workstation: 'WS-1' }),
    now: () => new Date('2026-11-27T03:00:00Z'),
  });
  return { db, host, catchUp };
}

const found: Handler<'catchup.check'> = (input) => ({
  checked: true,
  reason: null,
  materials: input.materialIds.map((materialId) => ({ materialId, licenceId: LICENCE, outcome: 'valid' as const })),
});

describe('the Art. 11 catch-up', () => {
  it('re-checks only the materials taken on paper because the library was unreachable, flags the case and audits the flag', async () => {
    const { db, host, catchUp } = setup(found);
    await db.cases.bulkAdd([keptCase('WS-20261127-0001', 'library_unreachable'), keptCase('WS-20261127-0002', 'elderly')]);
    expect(await catchUp.run()).toEqual({ checked: 1, flagged: 1, interrupted: false });
    expect(host.calls).toEqual([
      {
        caseNo: 'WS-20261127-0001',
        matterCode: '310000-GA-SFZ-002',
        holder: { idType: '111', idNumber: '310115199709281086', name: '董琳' },
        materialIds: ['M01'],
      },
    ]);
    expect((await flaggedCases(db, new Date('2026-11-27T03:00:00Z'))).map((c) => [c.caseNo, c.catchUp?.materials])).toEqual([
      ['WS-20261127-0001', [{ materialId: 'M01', name: '身份证件', licenceId: LICENCE, outcome: 'valid' }]],
    ]);
    const events = await db.auditEvents.toArray();
    expect(events.map((e) => [e.kind, e.case, e.details])).toEqual([
      ['catch_up_flag', 'WS-20261127-0001', { materials: [{ materialId: 'M01', licenceId: LICENCE }] }],
    ]);
    // The name served the grant and leaves with the answer; the other case never needed one asked.
    expect((await completedCase(db, 'WS-20261127-0001')).catchUpHolder).toBeUndefined();
    db.close();
  });

  it('deletes the kept name with every definite answer: clear, and not checkable (a social matter)', async () => {
    const answers: Handler<'catchup.check'>[] = [
      (input) => ({
        checked: true,
        reason: null,
        materials: input.materialIds.map((materialId) => ({ materialId, licenceId: null, outcome: 'not_in_library' as const })),
      }),
      () => ({ checked: false, reason: '社会化应用事项不能依职能授权补查，请在申请人下次到场时核对。', materials: [] }),
    ];
    for (const [i, answer] of answers.entries()) {
      const { db, catchUp } = setup(answer);
      await db.cases.add(keptCase(`WS-20261127-001${i}`, 'library_unreachable'));
      await catchUp.run();
      const row = await completedCase(db, `WS-20261127-001${i}`);
      expect(row.catchUp?.state).toBe(i === 0 ? 'clear' : 'not_checkable');
      expect(row).not.toHaveProperty('catchUpHolder');
      expect(JSON.stringify(row)).not.toContain('董琳');
      db.close();
    }
  });

  it('keeps the name while there is no answer: the link down, or the library refusing the request', async () => {
    for (const error of [
      AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '暂时无法连接').error),
      AppError.from(hostFailure('NOT_FOUND', '事项不存在，请核对后重试').error),
    ]) {
      const { db, catchUp } = setup(() => {
        throw error;
      });
      await db.cases.add(keptCase('WS-20261127-0020', 'library_unreachable'));
      await catchUp.run();
      const row = await completedCase(db, 'WS-20261127-0020');
      expect(row.catchUp).toBeUndefined();
      expect(row.catchUpHolder?.name).toBe('董琳');
      db.close();
    }
  });

  it('never asks the library for a case that kept no name (older data): the clerk is asked to check by hand', async () => {
    const { db, host, catchUp } = setup(found);
    await db.cases.add(keptCase('WS-20261127-0030', 'library_unreachable', '2026-11-27T02:10:00Z', null));
    expect(await catchUp.run()).toEqual({ checked: 1, flagged: 0, interrupted: false });
    expect(host.calls).toEqual([]);
    const [shown] = await flaggedCases(db, new Date('2026-11-27T03:00:00Z'));
    expect(shown?.catchUp).toMatchObject({ state: 'not_checkable', cause: 'holder_name_not_kept', materials: [] });
    const events = await db.auditEvents.toArray();
    expect(events.map((e) => [e.kind, e.case, e.details])).toEqual([
      ['catch_up_flag', 'WS-20261127-0030', { state: 'not_checkable', cause: 'holder_name_not_kept', materials: ['M01'] }],
    ]);
    await catchUp.acknowledge('WS-20261127-0030');
    expect(await flaggedCases(db, new Date('2026-11-27T03:00:00Z'))).toEqual([]);
    expect(await catchUp.run()).toEqual({ checked: 0, flagged: 0, interrupted: false });
    db.close();
  });

  it('checks each case once: a second return of the link asks nothing again', async () => {
    const { db, host, catchUp } = setup((input) => ({
      checked: true,
      reason: null,
      materials: input.materialIds.map((materialId) => ({ materialId, licenceId: null, outcome: 'not_in_library' as const })),
    }));
    await db.cases.add(keptCase('WS-20261127-0003', 'library_unreachable'));
    expect(await catchUp.run()).toEqual({ checked: 1, flagged: 0, interrupted: false });
    expect(await catchUp.run()).toEqual({ checked: 0, flagged: 0, interrupted: false });
    expect(host.calls).toHaveLength(1);
    expect(await flaggedCases(db, new Date('2026-11-27T03:00:00Z'))).toEqual([]);
    db.close();
  });

  it('when the link drops again mid-run the case waits for the next return', async () => {
    let down = true;
    const { db, catchUp } = setup((input) => {
      if (down) throw AppError.from(hostFailure('LIBRARY_UNAVAILABLE', '暂时无法连接').error);
      return found(input);
    });
    await db.cases.add(keptCase('WS-20261127-0004', 'library_unreachable'));
    expect(await catchUp.run()).toEqual({ checked: 0, flagged: 0, interrupted: true });
    down = false;
    expect(await catchUp.run()).toEqual({ checked: 1, flagged: 1, interrupted: false });
    db.close();
  });

  it('a flag acknowledged by the clerk leaves the list; an objection officer runs no check', async () => {
    const { db, catchUp } = setup(found);
    await db.cases.add(keptCase('WS-20261127-0005', 'library_unreachable'));
    await catchUp.run();
    await catchUp.acknowledge('WS-20261127-0005');
    expect(await flaggedCases(db, new Date('2026-11-27T03:00:00Z'))).toEqual([]);
    const officer = setup(found, 'objection_officer');
    await officer.db.cases.add(keptCase('WS-20261127-0006', 'library_unreachable'));
    expect(await officer.catchUp.run()).toEqual({ checked: 0, flagged: 0, interrupted: false });
    expect(officer.host.calls).toEqual([]);
    db.close();
    officer.db.close();
  });
});
