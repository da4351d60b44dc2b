/** Something that can take the focus: an element, or a component exposing `focus()`. */
export interface Focusable {
  focus(): void;
}

/**
 * Moves the focus to `target` once a dialog has opened, unless the user already put it on
 * something inside `within` while the dialog was still opening. A fast clerk's click on a
 * select would otherwise lose its list (a select closes on blur), or typing would land in
 * another field. Returns whether the focus was moved.
 */
export function focusUnlessTaken(
  within: Pick<Node, 'contains'> | null | undefined,
  target: Focusable | null | undefined,
  active: Node | null = typeof document === 'undefined' ? null : document.activeElement,
): boolean {
  if (!target) return false;
  if (active && within?.contains(active)) return false;
  target.focus();
  return true;
}
