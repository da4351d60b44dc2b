import { describe, expect, it } from 'vitest';
import { isCaptureKey, isTextEntry, type KeyTarget } from '../../../renderer/features/counter/paper/paper-keys';

function element(tagName: string, attributes: Record<string, string> = {}, isContentEditable = false): KeyTarget {
  return { tagName: tagName.toUpperCase(), isContentEditable, getAttribute: (name) => attributes[name] ?? null };
}

describe("the paper dialog's Space key", () => {
  it('belongs to a field the clerk types into', () => {
    for (const target of [
      element('input'),
      element('input', { type: 'text' }),
      element('input', { type: 'search' }),
      element('input', { type: 'NUMBER' }),
      element('textarea'),
      element('select'),
      element('div', {}, true),
      element('div', { role: 'combobox' }),
      element('li', { role: 'option' }),
    ]) {
      expect(isTextEntry(target)).toBe(true);
    }
  });

  it('takes a page on a button, a radio button, the preview or nothing focused', () => {
    for (const target of [
      element('button'),
      element('input', { type: 'radio' }),
      element('input', { type: 'checkbox' }),
      element('div', { role: 'group', tabindex: '0' }),
      element('body'),
      null,
    ]) {
      expect(isTextEntry(target)).toBe(false);
    }
  });

  it('is Space alone, not with a modifier or while an input method composes', () => {
    const press = { key: ' ', code: 'Space', ctrlKey: false, altKey: false, metaKey: false };
    expect(isCaptureKey(press)).toBe(true);
    expect(isCaptureKey({ ...press, key: 'Spacebar' })).toBe(true);
    expect(isCaptureKey({ ...press, shiftKey: true })).toBe(true);
    expect(isCaptureKey({ ...press, ctrlKey: true })).toBe(false);
    expect(isCaptureKey({ ...press, altKey: true })).toBe(false);
    expect(isCaptureKey({ ...press, metaKey: true })).toBe(false);
    expect(isCaptureKey({ ...press, isComposing: true })).toBe(false);
    expect(isCaptureKey({ ...press, key: 'Enter', code: 'Enter' })).toBe(false);
  });
});
