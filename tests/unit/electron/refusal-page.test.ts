import { describe, expect, it } from 'vitest';
import { refusalPage } from '../../../electron/host/refusal-server';

describe('the refusal page', () => {
  it('says when it happened in Beijing time, whatever the machine’s own zone', () => {
    const page = refusalPage({ title: '设置文件已损坏', what: 'w', steps: ['s'], at: '2026-11-26T16:05:00.000Z' });
    expect(page).toContain('发生时间：2026-11-27 00:05:00（北京时间）');
  });

  it('escapes what it is given', () => {
    const page = refusalPage({ title: '<b>', what: '"&', steps: ["'"], at: '2026-11-26T16:05:00.000Z' });
    expect(page).not.toContain('<b>');
    expect(page).toContain('&lt;b&gt;');
  });
});
