/**
 * The paper dialog's Space key: it takes a page wherever the focus is in the dialog, except in
 * a field the clerk types into (there a space is a space). On a button Space takes a page too,
 * instead of pressing it: after a click on 移除 the focus stays on a page's button, and the next
 * Space must take the next page, not remove another. Enter still presses a button.
 */

/** The part of an element these rules look at (an Element satisfies it). */
export interface KeyTarget {
  tagName: string;
  isContentEditable?: boolean;
  getAttribute(name: string): string | null;
}

// Input types that take no typed text: Space on them may take a page.
const NON_TEXT_INPUTS = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image', 'hidden']);
// Roles of widgets that take typed text or use Space themselves.
const TEXT_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton', 'listbox', 'slider', 'option', 'menuitem']);

/** Whether Space typed on `target` belongs to it: a text field, a select, an editable element. */
export function isTextEntry(target: KeyTarget | null): boolean {
  if (!target) return false;
  const tag = target.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') return !NON_TEXT_INPUTS.has((target.getAttribute('type') ?? 'text').toLowerCase());
  if (target.isContentEditable) return true;
  const role = target.getAttribute('role');
  return role !== null && TEXT_ROLES.has(role.toLowerCase());
}

/** The part of a keyboard event these rules look at. */
export interface KeyPress {
  key: string;
  code?: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey?: boolean;
  isComposing?: boolean;
}

/** Whether a key press is the capture key: Space alone, not while an input method composes. */
export function isCaptureKey(event: KeyPress): boolean {
  if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return false;
  return event.key === ' ' || event.code === 'Space';
}
