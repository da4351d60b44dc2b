import { describe, expect, it } from 'vitest';
import {
  canvasPixelRatio,
  clampPage,
  fieldMark,
  fitWidthZoom,
  formatFieldValue,
  licenceBanner,
  loadFailureReason,
  MAX_ZOOM,
  MIN_ZOOM,
  stepZoom,
  watermarkFontSize,
  watermarkLayout,
  watermarkText,
} from '../../../renderer/features/counter/viewer/viewer-model';

describe('the mark beside a face field', () => {
  it.each([
    ['pass', 'success', '已核验'],
    ['fail', 'danger', '核验失败'],
    ['unknown', 'info', '未核验'],
  ] as const)('%s is shown as %s "%s"', (verified, tone, label) => {
    expect(fieldMark(verified)).toEqual({ tone, label });
  });

  it.each([undefined, null, '', 'PASS', 'passed', true, 1])('anything but exactly "pass" never looks verified (%s)', (verified) => {
    expect(fieldMark(verified).tone).not.toBe('success');
    expect(fieldMark(verified).label).not.toBe('已核验');
  });
});

describe('the banner over the licence', () => {
  const passing = [{ verified: 'pass' }, { verified: 'pass' }];

  it('is green with the outcome only when the licence is verified and no field failed', () => {
    expect(licenceBanner({ verified: true, outcomeLabel: '有效', fields: passing })).toEqual({ type: 'success', title: '有效' });
  });

  it('is red for a licence that is not verified', () => {
    expect(licenceBanner({ verified: false, outcomeLabel: '已注销', fields: passing })).toEqual({ type: 'error', title: '已注销' });
  });

  it('is grey when the caller says the outcome is only unknown', () => {
    expect(licenceBanner({ verified: false, outcomeLabel: '证照库暂时无法连接', fields: [], outcomeTone: 'unknown' })).toEqual({
      type: 'info',
      title: '证照库暂时无法连接',
    });
  });

  it('is red when a field failed, even for a licence reported verified', () => {
    const fields = [{ verified: 'pass' }, { verified: 'fail' }];
    expect(licenceBanner({ verified: true, outcomeLabel: '有效', fields }).type).toBe('error');
    expect(licenceBanner({ verified: false, outcomeLabel: '签名无效', fields, outcomeTone: 'unknown' })).toEqual({
      type: 'error',
      title: '签名无效（有照面信息核验失败）',
    });
  });

  it('is never green unless verified is true', () => {
    for (const outcomeTone of ['fail', 'unknown', undefined] as const) {
      for (const fields of [[], passing, [{ verified: 'unknown' }]]) {
        expect(licenceBanner({ verified: false, outcomeLabel: '有效', fields, outcomeTone }).type).not.toBe('success');
      }
    }
  });

  it('still has a title when the outcome label is empty', () => {
    expect(licenceBanner({ verified: false, outcomeLabel: '  ', fields: [] }).title).toBe('未核验');
    expect(licenceBanner({ verified: true, outcomeLabel: '', fields: passing }).title).toBe('已核验');
  });
});

describe('the watermark', () => {
  it('names the matter the licence is used for', () => {
    expect(watermarkText('企业设立登记')).toBe('仅用于办理企业设立登记');
    expect(watermarkText('  公共租赁住房\n申请  ')).toBe('仅用于办理公共租赁住房 申请');
    expect(watermarkText('')).toBe('仅用于办理本事项');
  });

  it('scales its font with the page and keeps it readable', () => {
    expect(watermarkFontSize(100)).toBe(14);
    expect(watermarkFontSize(1190)).toBe(43);
    expect(watermarkFontSize(10_000)).toBe(64);
  });

  // A point of the page is covered when some copy's centre lies within half a step of it in
  // the rotated frame: the copies then tile the page without a gap.
  function uncoveredPoints(width: number, height: number, textWidth: number, fontSize: number): Array<[number, number]> {
    const layout = watermarkLayout({ width, height, textWidth, fontSize });
    const cos = Math.cos(-layout.angle);
    const sin = Math.sin(-layout.angle);
    const missing: Array<[number, number]> = [];
    const steps = 24;
    for (let i = 0; i <= steps; i++) {
      for (let j = 0; j <= steps; j++) {
        const px = (i / steps) * width - width / 2;
        const py = (j / steps) * height - height / 2;
        const x = px * cos - py * sin;
        const y = px * sin + py * cos;
        const covered = layout.tiles.some((tile) => Math.abs(tile.x - x) <= layout.columnStep / 2 + 1e-6 && Math.abs(tile.y - y) <= layout.rowStep / 2 + 1e-6);
        if (!covered) missing.push([px, py]);
      }
    }
    return missing;
  }

  it.each([
    [1190, 840, 400, 43],
    [840, 1190, 400, 30],
    [3000, 400, 700, 64],
    [300, 3000, 150, 14],
    [200, 200, 900, 14],
  ])('covers every corner and edge of a %i × %i page', (width, height, textWidth, fontSize) => {
    expect(uncoveredPoints(width, height, textWidth, fontSize)).toEqual([]);
  });

  it('runs diagonally', () => {
    const layout = watermarkLayout({ width: 800, height: 600, textWidth: 300, fontSize: 30 });
    expect(Math.abs(layout.angle)).toBeGreaterThan(0.3);
    expect(Math.abs(layout.angle)).toBeLessThan(1.3);
  });
});

describe('zoom and pages', () => {
  it.each([
    [1, 1, 1.1],
    [1, -1, 0.9],
    [1.44, 1, 1.5],
    [1.44, -1, 1.25],
    [MAX_ZOOM, 1, MAX_ZOOM],
    [MIN_ZOOM, -1, MIN_ZOOM],
    [0.1, 1, 0.5],
  ] as const)('from %f, direction %i, steps to %f', (current, direction, expected) => {
    expect(stepZoom(current, direction)).toBe(expected);
  });

  it('fits the page to the available width within the zoom range', () => {
    expect(fitWidthZoom(860, 595)).toBeCloseTo(860 / 595, 10);
    expect(fitWidthZoom(100_000, 595)).toBe(MAX_ZOOM);
    expect(fitWidthZoom(50, 595)).toBe(MIN_ZOOM);
    expect(fitWidthZoom(0, 595)).toBe(1);
    expect(fitWidthZoom(800, 0)).toBe(1);
  });

  it.each([
    [0, 3, 1],
    [1, 3, 1],
    [4, 3, 3],
    [2.6, 3, 3],
    [5, 0, 1],
  ])('page %f of %i is shown as page %i', (page, count, expected) => {
    expect(clampPage(page, count)).toBe(expected);
  });

  it('keeps the screen pixel ratio for ordinary pages and caps the bitmap for huge ones', () => {
    expect(canvasPixelRatio(860, 1216, 2)).toBe(2);
    expect(canvasPixelRatio(860, 1216, 0)).toBe(1);
    const ratio = canvasPixelRatio(2380, 3368, 2);
    expect(ratio).toBeLessThan(2);
    expect(2380 * 3368 * ratio * ratio).toBeLessThanOrEqual(16_000_000 * (1 + 1e-9));
  });
});

describe('what the viewer says', () => {
  it.each([
    ['InvalidPDFException', '文件已损坏或不是有效的 PDF'],
    ['PasswordException', '文件已加密，无法打开'],
    ['UnknownErrorException', '文件解析失败'],
    ['', '文件解析失败'],
  ])('explains a %s in Chinese', (name, reason) => {
    expect(loadFailureReason(name)).toBe(reason);
  });

  it.each([
    ['张三', '张三'],
    [null, '—'],
    [undefined, '—'],
    ['', '—'],
    [42, '42'],
    [false, 'false'],
    [['A1', 'B2'], 'A1、B2'],
    [{ from: '2020-01-01' }, '{"from":"2020-01-01"}'],
  ])('shows the value %j as "%s"', (value, shown) => {
    expect(formatFieldValue(value)).toBe(shown);
  });
});
