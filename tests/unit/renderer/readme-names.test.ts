import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zhCN } from '../../../renderer/i18n/zh-CN';

// The README is where a supervisor trying `npm start` looks first: the names it gives the
// supervision tabs must be the names on screen, and as many (issue 10 item 12).
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('## Supervision'), README.indexOf('## The library sandbox'));
const COUNTS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6 };

describe('the README names the supervision tabs as the UI does', () => {
  const tabs = Object.values(zhCN.supervision.tabs);

  it('says how many tabs there are and lists them in the order shown', () => {
    const match = /The 值班监督 page has (\w+) tabs — ([^\n]+?) —/.exec(SECTION);
    expect(match, 'the sentence introducing the tabs').not.toBeNull();
    expect(COUNTS[match![1]!]).toBe(tabs.length);
    expect(match![2]!.split(/,\s*/)).toEqual(tabs);
  });

  it('describes each tab under its own name', () => {
    const bullets = [...SECTION.matchAll(/^- \*\*([^*]+)\*\*/gm)].map((m) => m[1]);
    for (const tab of tabs) expect(bullets).toContain(tab);
    // 设置 is a page of its own, not a tab: the README says so where it lists it.
    expect(SECTION).toMatch(/\*\*设置\*\* \(its own page\)/);
  });
});
