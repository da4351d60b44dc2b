import { describe, expect, it } from 'vitest';
import { buildMatterIndex, normaliseMatterQuery, pinyinInitials, searchMatters, type SearchableMatter } from '../../../shared/matter-search';

const MATTERS: SearchableMatter[] = [
  { code: '310000-MZ-HY-006', name: '内地居民结婚登记' },
  { code: '310000-MZ-HY-007', name: '内地居民离婚登记' },
  { code: '310000-GA-SFZ-002', name: '居民身份证换领' },
  { code: '310000-GA-SFZ-013', name: '重新申领居民身份证' },
  { code: '310000-JR-YH-020', name: '银行开户' },
  { code: '310000-SW-XK-021', name: '行政许可事项变更' },
  { code: '310000-TX-ICP-022', name: 'ICP备案（变更）' },
  { code: '310000-YJ-YL-023', name: '第2类医疗器械·经营备案' },
  { code: '310000-MZ-JL-008', name: '上海市敬老卡申领' },
  { code: '310000-MZ-JL-0081', name: '敬老卡补领' },
  { code: '310000-GA-JZZ-003', name: '上海市居住证签注' },
];
const index = buildMatterIndex(MATTERS);

function codes(query: string, limit?: number): string[] {
  return searchMatters(index, query, limit).map((hit) => hit.matter.code);
}

describe('pinyinInitials', () => {
  it.each([
    ['结婚登记', ['j', 'h', 'd', 'j']],
    ['ICP备案（变更）', ['i', 'c', 'p', 'b', 'a', '', 'b', 'g', '']],
    ['第2类', ['d', '2', 'l']],
  ])('%s', (name, initials) => {
    expect(pinyinInitials(name)).toEqual(initials);
  });

  it('puts the reading the context gives first, then the others', () => {
    expect(pinyinInitials('银行')[1]).toBe('hx');
    expect(pinyinInitials('行政')[0]).toBe('xh');
    expect(pinyinInitials('重新')[0]?.split('').sort()).toEqual(['c', 'z']);
  });

  it('keeps one entry per UTF-16 unit, so that offsets stay aligned with the name', () => {
    const name = '𠀋测试';
    expect(pinyinInitials(name)).toHaveLength(name.length);
    expect(pinyinInitials(name).slice(2)).toEqual(['c', 's']);
  });
});

describe('searchMatters', () => {
  it.each([
    ['by exact code', '310000-MZ-HY-006', ['310000-MZ-HY-006']],
    ['by code prefix, case ignored', '310000-mz-hy', ['310000-MZ-HY-006', '310000-MZ-HY-007']],
    ['by Chinese name prefix', '居民身份', ['310000-GA-SFZ-002', '310000-GA-SFZ-013']],
    ['by a substring of the name', '结婚', ['310000-MZ-HY-006']],
    ['by pinyin initials of a word inside the name', 'jhdj', ['310000-MZ-HY-006']],
    ['by pinyin initials from the start', 'ndjm', ['310000-MZ-HY-006', '310000-MZ-HY-007']],
    ['by initials with the polyphonic character read one way', 'cxsl', ['310000-GA-SFZ-013']],
    ['by initials with the polyphonic character read the other way', 'zxsl', ['310000-GA-SFZ-013']],
    ['by initials of 银行 (hang)', 'yhkh', ['310000-JR-YH-020']],
    ['by initials of 行政 (xing)', 'xzxk', ['310000-SW-XK-021']],
    ['by Latin letters in the name', 'icpba', ['310000-TX-ICP-022']],
    ['by initials with a digit', 'd2lylqx', ['310000-YJ-YL-023']],
    ['ignoring spaces typed in the query', ' jh dj ', ['310000-MZ-HY-006']],
    ['by a code fragment', 'sfz-013', ['310000-GA-SFZ-013']],
  ])('finds %s', (_, query, expected) => {
    expect(codes(query)).toEqual(expected);
  });

  it.each(['', '   ', '离婚结婚', 'qqqq', '不存在的事项'])('finds nothing for %j', (query) => {
    expect(codes(query)).toEqual([]);
  });

  it('ranks exact code, code prefix, name prefix, initials prefix, name substring, initials substring, code substring', () => {
    const ranked = buildMatterIndex([
      { code: 'X9', name: '乙乙 jl' },
      { code: 'Y1', name: '甲 jlk' },
      { code: 'JL', name: '其他' },
      { code: 'Z2', name: 'jl开头' },
      { code: 'JL2', name: '其他二' },
      { code: 'A1', name: '敬老卡' },
      { code: 'B1-JL', name: '无关' },
      { code: 'C1', name: '申领敬老' },
    ]);
    const hits = searchMatters(ranked, 'jl', 10);
    expect(hits.map((h) => [h.matter.code, h.match])).toEqual([
      ['JL', 'code_exact'],
      ['JL2', 'code_prefix'],
      ['Z2', 'name_prefix'],
      ['A1', 'initials_prefix'],
      ['Y1', 'name_substring'],
      ['X9', 'name_substring'],
      ['C1', 'initials_substring'],
      ['B1-JL', 'code_substring'],
    ]);
  });

  it('within a kind, ranks the match nearer the start first, then the shorter name, then the catalog order', () => {
    expect(codes('领')).toEqual(['310000-GA-SFZ-013', '310000-MZ-JL-0081', '310000-GA-SFZ-002', '310000-MZ-JL-008']);
    const ties = buildMatterIndex([
      { code: 'A', name: '户口迁移登记申请' },
      { code: 'B', name: '户口迁移' },
      { code: 'C', name: '户口迁出' },
    ]);
    expect(searchMatters(ties, '户口').map((h) => h.matter.code)).toEqual(['B', 'C', 'A']);
  });

  it('gives the range to highlight in the field that matched', () => {
    const [initials] = searchMatters(index, 'jhdj');
    expect(initials).toMatchObject({ match: 'initials_substring', field: 'name', start: 4, length: 4 });
    const [code] = searchMatters(index, '310000-GA-SFZ');
    expect(code).toMatchObject({ match: 'code_prefix', field: 'code', start: 0, length: 13 });
    const [name] = searchMatters(index, '身份证');
    expect(name).toMatchObject({ match: 'name_substring', field: 'name', start: 2, length: 3 });
  });

  it('returns at most limit results', () => {
    expect(codes('310000', 3)).toHaveLength(3);
    expect(codes('310000', 0)).toEqual([]);
  });

  it('accepts another initials function', () => {
    const custom = buildMatterIndex([{ code: 'A', name: '结婚' }], (name) => Array.from(name, () => 'q'));
    expect(searchMatters(custom, 'qq').map((h) => h.match)).toEqual(['initials_prefix']);
  });

  it('normalises the query', () => {
    expect(normaliseMatterQuery(' JH\tDJ ')).toBe('jhdj');
  });
});
