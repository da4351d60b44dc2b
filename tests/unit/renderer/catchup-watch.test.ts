import 'fake-indexeddb/auto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { WorkstationDb, type CatchUpMark, type CompletedCaseRow } from '../../../renderer/db/db';
import { watchFlaggedCases } from '../../../renderer/catchup/catchup';
import { completedRow, keptCase } from './rows';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mark = (state: CatchUpMark['state']): CatchUpMark => ({ state, checkedAt: new Date().toISOString(), reason: null, materials: [] });

function completed(caseNo: string, catchUp?: CatchUpMark): CompletedCaseRow {
  const row = completedRow(keptCase(caseNo, new Date().toISOString()));
  return catchUp ? { ...row, catchUp } : row;
}

/** Sets a completed case's catch-up mark, as the catch-up does. */
async function setMark(db: WorkstationDb, caseNo: string, catchUp: CatchUpMark): Promise<void> {
  await db.cases
    .where('caseNo')
    .equals(caseNo)
    .modify((row) => {
      if (row.status === 'completed') row.catchUp = catchUp;
    });
}

/** Collects garbage until every WeakRef's target is gone or it is plainly kept; returns how many are kept. */
async function keptAfterGc(refs: WeakRef<object>[]): Promise<number> {
  for (let i = 0; i < 5; i++) {
    // A WeakRef's target stays until the end of the task that last read it.
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
  }
  return refs.filter((ref) => ref.deref() !== undefined).length;
}

/** Day tallies keyed by Date objects, one write each; returns a WeakRef to each key. */
async function writeElsewhere(db: WorkstationDb, count: number): Promise<WeakRef<object>[]> {
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2026, 0, 1) + i * 86_400_000);
    refs.push(new WeakRef(day));
    await db.caseDays.put({
      day: day as unknown as string,
      definition: 1,
      sourceCount: 1,
      lastCompletedAt: '',
      tally: {} as never,
      trainingTally: {} as never,
    });
  }
  return refs;
}

describe("the catch-up banner's watch", () => {
  it('shows the cases waiting for the clerk and follows their changes, in this tab and from a write by another connection', async () => {
    const name = `catchup-watch-${Math.random()}`;
    const db = new WorkstationDb(name);
    await db.cases.bulkAdd([completed('C-1', mark('flagged')), completed('C-2', mark('clear')), completed('C-3')]);
    const seen: string[][] = [];
    const watch = watchFlaggedCases(db, (rows) => seen.push(rows.map((r) => r.caseNo)));
    await expect.poll(() => seen.at(-1)).toEqual(['C-1']);
    await setMark(db, 'C-3', mark('not_checkable'));
    await expect.poll(() => [...(seen.at(-1) ?? [])].sort()).toEqual(['C-1', 'C-3']);
    // Another connection to the database (as another tab has).
    const other = new WorkstationDb(name);
    await setMark(other, 'C-1', mark('acknowledged'));
    await expect.poll(() => seen.at(-1)).toEqual(['C-3']);
    watch.unsubscribe();
    other.close();
    db.close();
  });

  it("keeps nothing of the day's other writes: 300 writes elsewhere leave no trace in it once collected", async () => {
    const db = new WorkstationDb(`catchup-watch-${Math.random()}`);
    await db.cases.add(completed('C-1', mark('flagged')));
    let shown = 0;
    const watch = watchFlaggedCases(db, () => shown++);
    await expect.poll(() => shown).toBe(1);

    // Writes the banner does not care about, as a day of cases makes them (audit events, day
    // tallies, outbox rows). Their keys are Date objects here, so that whether anything still
    // holds a write's key after it committed can be seen from outside: a WeakRef to each.
    const refs = await writeElsewhere(db, 300);
    // Settled: the writes' events have gone round.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await keptAfterGc(refs)).toBe(0);
    watch.unsubscribe();
    db.close();
  });
});
