import { describe, expect, it } from 'vitest';
import { PAPER_REASONS } from '../../../shared/library-api';
import {
  ACCEPT_ATTRIBUTE,
  checkImport,
  declaredContentType,
  isPaperReason,
  MAX_IMPORT_BYTES,
  PAPER_REASON_OPTIONS,
  saveProblem,
  sniffContentType,
  thumbnailSize,
} from '../../../renderer/features/counter/paper/paper-rules';

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const JPEG = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46);
const PDF = Uint8Array.of(0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37);
const GIF = Uint8Array.of(0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00);

describe('paper reasons', () => {
  it('lists exactly the library API reasons, in its order, each with its label', () => {
    expect(PAPER_REASON_OPTIONS).toEqual([
      { code: 'elderly', label: '老年人/不便使用电子证照' },
      { code: 'no_phone', label: '无手机/无法出示亮证码' },
      { code: 'not_in_library', label: '证照库中无此证照' },
      { code: 'verification_failed', label: '电子证照核验未通过' },
      { code: 'library_unreachable', label: '证照库暂时无法连接' },
      { code: 'applicant_choice', label: '申请人选择提交纸质材料' },
    ]);
    expect(PAPER_REASON_OPTIONS.map((option) => option.code)).toEqual([...PAPER_REASONS]);
  });

  it.each([
    ['elderly', true],
    ['applicant_choice', true],
    ['', false],
    ['Elderly', false],
    ['other', false],
    [undefined, false],
    [null, false],
  ])('recognises %j as a reason: %s', (value, expected) => {
    expect(isPaperReason(value)).toBe(expected);
  });
});

describe('saving the dialog', () => {
  it('needs a reason first, then at least one page', () => {
    expect(saveProblem('', 3)).toBe('请选择改用纸质材料的原因。');
    expect(saveProblem('made_up', 3)).toBe('请选择改用纸质材料的原因。');
    expect(saveProblem('', 0)).toBe('请选择改用纸质材料的原因。');
    expect(saveProblem('elderly', 0)).toBe('请至少添加一页纸质材料（拍照或导入文件）。');
    expect(saveProblem('elderly', 1)).toBeNull();
  });
});

describe('file content', () => {
  it.each([
    ['PNG', PNG, 'image/png'],
    ['JPEG', JPEG, 'image/jpeg'],
    ['PDF', PDF, 'application/pdf'],
    ['GIF', GIF, null],
    ['empty', new Uint8Array(0), null],
    ['a truncated PNG signature', PNG.subarray(0, 4), null],
  ])('sniffs %s as %s', (_name, head, expected) => {
    expect(sniffContentType(head)).toBe(expected);
  });

  it.each([
    ['scan.png', 'image/png', 'image/png'],
    ['scan.jpg', 'image/jpeg', 'image/jpeg'],
    ['scan.jpg', 'image/jpg', 'image/jpeg'],
    ['licence.pdf', 'application/pdf', 'application/pdf'],
    ['SCAN001.JPG', '', 'image/jpeg'],
    ['scan.jpeg', '', 'image/jpeg'],
    ['doc.PDF', '', 'application/pdf'],
    ['scan', '', null],
    ['scan.tiff', 'image/tiff', null],
    ['notes.txt', 'text/plain', null],
    ['scan.png', 'image/gif', null],
  ])('%s claiming "%s" is taken as %s', (name, type, expected) => {
    expect(declaredContentType(name, type)).toBe(expected);
  });

  it('accepts exactly what the file input offers', () => {
    expect(ACCEPT_ATTRIBUTE).toBe('image/png,image/jpeg,application/pdf');
  });
});

describe('importing a file', () => {
  const file = (name: string, type: string, size: number) => ({ name, type, size });

  it('accepts images and PDFs as the bytes show them', () => {
    expect(checkImport(file('a.png', 'image/png', 1000), PNG)).toEqual({ ok: true, contentType: 'image/png' });
    expect(checkImport(file('b.jpg', 'image/jpeg', 1000), JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(checkImport(file('c.pdf', 'application/pdf', 1000), PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(checkImport(file('d.png', 'image/png', 1000), JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
  });

  it('refuses an empty file, naming it', () => {
    expect(checkImport(file('空白.png', 'image/png', 0))).toEqual({ ok: false, message: '“空白.png”未添加：文件为空。' });
  });

  it('takes a file of exactly 20 MB and refuses anything larger, naming the file and the limit', () => {
    expect(checkImport(file('big.pdf', 'application/pdf', MAX_IMPORT_BYTES), PDF).ok).toBe(true);
    expect(checkImport(file('big.pdf', 'application/pdf', MAX_IMPORT_BYTES + 1))).toEqual({
      ok: false,
      message: '“big.pdf”未添加：文件大小 20.0 MB，超过 20 MB 的上限。',
    });
  });

  it('refuses other types before reading them', () => {
    expect(checkImport(file('notes.txt', 'text/plain', 10))).toEqual({ ok: false, message: '“notes.txt”未添加：只接受 PNG、JPEG 图片或 PDF 文件。' });
    expect(checkImport(file('photo.gif', 'image/gif', 10), GIF).ok).toBe(false);
  });

  it('refuses a file whose bytes are not what its name claims', () => {
    expect(checkImport(file('fake.jpg', 'image/jpeg', 10), GIF)).toEqual({
      ok: false,
      message: '“fake.jpg”未添加：文件内容不是有效的 PNG、JPEG 图片或 PDF 文件。',
    });
  });
});

describe('thumbnail size', () => {
  it.each([
    [4000, 3000, 240, 180],
    [2480, 3508, 240, 339],
    [1000, 5000, 68, 340],
    [100, 50, 100, 50],
    [10_000, 1, 240, 1],
    [0, 100, 1, 1],
    [Number.NaN, 100, 1, 1],
  ])('%i × %i becomes %i × %i', (width, height, thumbWidth, thumbHeight) => {
    expect(thumbnailSize(width, height)).toEqual({ width: thumbWidth, height: thumbHeight });
  });
});
