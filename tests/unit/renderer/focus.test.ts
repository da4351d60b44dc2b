import { describe, expect, it } from 'vitest';
import { focusUnlessTaken } from '../../../renderer/focus';

/** A node tree just deep enough for `contains`. */
function node(children: object[] = []): Pick<Node, 'contains'> & object {
  const self = { contains: (other: object | null) => other === self || children.includes(other as object) };
  return self;
}

function target(): { focus(): void; focused: number } {
  return {
    focused: 0,
    focus() {
      this.focused++;
    },
  };
}

describe('focusUnlessTaken', () => {
  it('moves the focus when nothing in the dialog has it', () => {
    const dialogBody = node();
    const first = target();
    expect(focusUnlessTaken(dialogBody, first, null)).toBe(true);
    expect(first.focused).toBe(1);
  });

  it('moves the focus away from something outside the dialog (the button that opened it)', () => {
    const opener = {} as Node;
    const first = target();
    expect(focusUnlessTaken(node(), first, opener)).toBe(true);
    expect(first.focused).toBe(1);
  });

  it('leaves the focus where the clerk put it inside the dialog while it was opening', () => {
    const select = {} as Node;
    const first = target();
    expect(focusUnlessTaken(node([select]), first, select)).toBe(false);
    expect(first.focused).toBe(0);
  });

  it('does nothing without a target', () => {
    expect(focusUnlessTaken(node(), null, null)).toBe(false);
  });
});
