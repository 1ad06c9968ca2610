// No copying at levels whose rule `copy` is false (秘密 by default): the message menu has
// no 复制, the text cannot be selected (user-select: none, class .no-copy), and copy and
// cut that would take anything from inside such a message are refused — a selection that
// starts in an ordinary message and runs into one included. This binds this client; the
// words are on screen, and a photo of them the watermark answers for.

import type { MenuItem } from '../forward/forward';

/** The class that marks an element whose text may not be copied. */
export const NO_COPY_CLASS = 'no-copy';

/** The message menu without 复制 when copying is not allowed. */
export function menuForCopy(items: MenuItem[], copyAllowed: boolean): MenuItem[] {
  return copyAllowed ? items : items.filter((it) => it.id !== 'copy');
}

/** What the copy guard needs of the page's selection. */
export interface SelectionLike {
  readonly rangeCount: number;
  getRangeAt(i: number): { intersectsNode(n: Node): boolean };
}

/** Whether the selection takes anything from one of `guarded` (the no-copy elements). */
export function selectionTouches(sel: SelectionLike | null, guarded: Iterable<Node>): boolean {
  if (!sel) return false;
  for (let i = 0; i < sel.rangeCount; i++) {
    const r = sel.getRangeAt(i);
    for (const n of guarded) if (r.intersectsNode(n)) return true;
  }
  return false;
}

/** A copy or cut event. */
export interface ClipboardEventLike {
  readonly target: EventTarget | null;
  preventDefault(): void;
  stopPropagation(): void;
  readonly clipboardData: Pick<DataTransfer, 'setData'> | null;
}

/**
 * The document's copy/cut listener: refuses the event when it comes from inside a no-copy
 * element (a focused control in one) or when the selection reaches into one. The
 * clipboard is set to nothing, so not even the browser's own text gets there.
 * Returns true when it refused.
 */
export function refuseCopy(
  e: ClipboardEventLike,
  sel: SelectionLike | null,
  guarded: () => Iterable<Node>,
  inside: (t: EventTarget | null) => boolean,
): boolean {
  if (!inside(e.target) && !selectionTouches(sel, guarded())) return false;
  e.preventDefault();
  e.stopPropagation();
  e.clipboardData?.setData('text/plain', '');
  return true;
}

/** Installs the guard on a document; returns the remover. */
export function installCopyGuard(doc: Document): () => void {
  const on = (e: ClipboardEvent) => {
    refuseCopy(
      e,
      doc.getSelection(),
      () => doc.querySelectorAll(`.${NO_COPY_CLASS}`),
      (t) => t instanceof Element && !!t.closest(`.${NO_COPY_CLASS}`),
    );
  };
  doc.addEventListener('copy', on, true);
  doc.addEventListener('cut', on, true);
  return () => {
    doc.removeEventListener('copy', on, true);
    doc.removeEventListener('cut', on, true);
  };
}
