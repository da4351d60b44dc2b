import { describe, expect, it } from 'vitest';
import { CATCH_UP_LOOKBACK_DAYS, catchUpHolderExpired, catchUpHolderToKeep, catchUpLookbackStart, unreachableMaterials } from '../../../shared/catch-up';
import type { PurgedCase } from '../../../shared/counter-case';
import type { PaperReason, UsageMaterial } from '../../../shared/library-api';

const COMPLETED = '2026-11-27T02:10:00Z';

function kept(lines: Array<[UsageMaterial['outcome'], PaperReason | null]>): Pick<PurgedCase, 'materials' | 'completedAt'> {
  return {
    completedAt: COMPLETED,
    materials: lines.map(([outcome, paperReason], i) => ({
      materialId: `M0${i + 1}`,
      name: `材料${i + 1}`,
      required: true,
      record: { materialId: `M0${i + 1}`, outcome, licenceId: null, paperReason },
      override: null,
      licences: [],
      paperScan: null,
    })),
  };
}

describe("the catch-up's holder name: kept only for a pending re-check", () => {
  const keep: Array<[string, Array<[UsageMaterial['outcome'], PaperReason | null]>, boolean]> = [
    [
      'one material on paper because the library was unreachable',
      [
        ['exempt', null],
        ['paper', 'library_unreachable'],
      ],
      true,
    ],
    [
      'every material on paper because the library was unreachable',
      [
        ['paper', 'library_unreachable'],
        ['paper', 'library_unreachable'],
      ],
      true,
    ],
    [
      'paper for other reasons only',
      [
        ['paper', 'elderly'],
        ['paper', 'not_in_library'],
        ['paper', 'verification_failed'],
      ],
      false,
    ],
    [
      'every material exempt',
      [
        ['exempt', null],
        ['exempt', null],
      ],
      false,
    ],
    [
      'an optional material missing',
      [
        ['exempt', null],
        ['missing', null],
      ],
      false,
    ],
  ];
  it.each(keep)('%s → kept: %s', (_name, lines, expected) => {
    const holder = catchUpHolderToKeep(kept(lines), { name: '董琳' });
    expect(holder !== null).toBe(expected);
    if (holder) expect(holder).toEqual({ name: '董琳', keepUntil: '2026-12-27T02:10:00.000Z' });
  });

  it('keeps no blank name, and trims the one it keeps', () => {
    const lines: Array<[UsageMaterial['outcome'], PaperReason | null]> = [['paper', 'library_unreachable']];
    expect(catchUpHolderToKeep(kept(lines), { name: '   ' })).toBeNull();
    expect(catchUpHolderToKeep(kept(lines), { name: ' 董琳 ' })?.name).toBe('董琳');
  });

  it('expires exactly when the lookback has passed, which is when the catch-up stops asking', () => {
    const holder = catchUpHolderToKeep(kept([['paper', 'library_unreachable']]), { name: '董琳' })!;
    const lastDay = new Date(Date.parse(COMPLETED) + CATCH_UP_LOOKBACK_DAYS * 86_400_000);
    expect(catchUpHolderExpired(holder, new Date(lastDay.getTime() - 1000))).toBe(false);
    expect(catchUpHolderExpired(holder, lastDay)).toBe(false);
    expect(catchUpHolderExpired(holder, new Date(lastDay.getTime() + 1000))).toBe(true);
    // The catch-up's own window ends at the same instant.
    expect(Date.parse(catchUpLookbackStart(lastDay))).toBe(Date.parse(COMPLETED));
  });

  it('re-checks only the materials on paper because the library was unreachable', () => {
    expect(
      unreachableMaterials(
        kept([
          ['paper', 'library_unreachable'],
          ['paper', 'elderly'],
          ['exempt', null],
        ]),
      ).map((m) => m.materialId),
    ).toEqual(['M01']);
  });

  it('re-checks a material on paper for another reason when the case recorded the library unreachable for it', () => {
    const record = kept([
      ['paper', 'no_phone'],
      ['paper', 'elderly'],
      ['paper', 'not_in_library'],
      ['exempt', null],
    ]);
    record.materials[0]!.libraryUnreachable = true;
    record.materials[1]!.libraryUnreachable = false;
    record.materials[3]!.libraryUnreachable = true;
    expect(unreachableMaterials(record).map((m) => m.materialId)).toEqual(['M01']);
    expect(catchUpHolderToKeep(record, { name: '董琳' })?.name).toBe('董琳');
  });
});
