import { describe, expect, it } from 'vitest';
import { matchOperators, operatorLabel, type OperatorEntry } from '../../../shared/operators';

const DIRECTORY: OperatorEntry[] = [
  { id: 'OP-PD-0101', name: '王晓燕', username: 'clerk01' },
  { id: 'OP-XH-0102', name: '李建华', username: 'clerk02' },
  { id: 'OP-PD-0201', name: '陈静', username: 'super01' },
  { id: 'OP-PD-0301', name: '赵敏', username: 'officer01' },
];
const BY_ID = new Map(DIRECTORY.map((e) => [e.id, e]));

describe('operatorLabel', () => {
  it('reads an operator id as name and 工号', () => {
    expect(operatorLabel('OP-PD-0101', BY_ID)).toBe('王晓燕 clerk01');
  });
  it('shows an id the directory does not know as it is, and nothing for no operator', () => {
    expect(operatorLabel('OP-JA-0999', BY_ID)).toBe('OP-JA-0999');
    expect(operatorLabel(null, BY_ID)).toBe('');
  });
});

describe('matchOperators', () => {
  it.each([
    ['the 工号', 'clerk01', ['OP-PD-0101']],
    ['the 工号 in capitals', 'CLERK01', ['OP-PD-0101']],
    ['the name', '王晓燕', ['OP-PD-0101']],
    ['the operator id', 'OP-PD-0101', ['OP-PD-0101']],
    ['the operator id in small letters', 'op-pd-0101', ['OP-PD-0101']],
    ['with spaces around', '  王晓燕 ', ['OP-PD-0101']],
    ['part of a 工号', 'clerk0', ['OP-PD-0101', 'OP-XH-0102']],
    ['a surname', '陈', ['OP-PD-0201']],
  ])('finds an operator by %s', (_, text, ids) => {
    expect(matchOperators(text, DIRECTORY).ids).toEqual(ids);
  });

  it('an exact 工号 wins over operators whose 工号 merely contains it', () => {
    const directory = [...DIRECTORY, { id: 'OP-PD-0111', name: '周涛', username: 'clerk011' }];
    expect(matchOperators('clerk01', directory).ids).toEqual(['OP-PD-0101']);
  });

  it('two operators with one name are both found', () => {
    const directory = [...DIRECTORY, { id: 'OP-JA-0401', name: '王晓燕', username: 'clerk41' }];
    const match = matchOperators('王晓燕', directory);
    expect(match.ids).toEqual(['OP-PD-0101', 'OP-JA-0401']);
    expect(match.entries.map((e) => e.username)).toEqual(['clerk01', 'clerk41']);
  });

  it('takes a text nobody here answers to as an operator id, and an empty text as no filter', () => {
    expect(matchOperators('OP-JA-0999', DIRECTORY)).toEqual({ ids: ['OP-JA-0999'], entries: [] });
    expect(matchOperators('  ', DIRECTORY)).toEqual({ ids: [], entries: [] });
  });
});
