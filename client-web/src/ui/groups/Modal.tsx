import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { toUiError } from '../../errors';
import { groupErrorText, type GroupAction } from '../../groups/errors';
import type { FieldProblem } from '../../groups/form';
import { locale, t } from '../../i18n';
import { useModalDialog } from '../hooks';
import './groups.css';

interface ModalProps {
  id: string;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  size?: 'wide' | 'narrow';
  /** Gets focus on open; else the element marked data-autofocus, else the first control. */
  initialFocus?: { current: HTMLElement | null };
}

/** A native modal <dialog>: opens on mount, Escape and the close button call onClose,
 * and focus goes back to whatever had it before. The element marked data-autofocus
 * gets focus first. */
export function Modal({ id, title, onClose, children, size = 'wide', initialFocus }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useModalDialog(ref, onClose, (d) => initialFocus?.current ?? d.querySelector<HTMLElement>('[data-autofocus]'));
  const titleId = `${id}-title`;
  return (
    <dialog ref={ref} id={id} class={`grp-dialog grp-dialog-${size}`} aria-labelledby={titleId}>
      <div class="grp-dialog-head">
        <h2 id={titleId} class="grp-dialog-title">
          {title}
        </h2>
        <button type="button" class="btn btn-quiet btn-small grp-close" onClick={() => close.current()}>
          {t('groups.close')}
        </button>
      </div>
      <div class="grp-dialog-body">{children}</div>
    </dialog>
  );
}

/** An error line that screen readers announce; always in the page so that a new text is
 * read out. Text only, never HTML. */
export function Alert({ id, text }: { id?: string; text?: string }) {
  return (
    <p id={id} class="form-error" role="alert" hidden={!text}>
      {text ?? ''}
    </p>
  );
}

/** A polite status line ("设置已保存"). */
export function Status({ text }: { text?: string }) {
  return (
    <p class="grp-status" role="status">
      {text ?? ''}
    </p>
  );
}

interface ConfirmProps {
  id: string;
  title: string;
  text: string;
  confirmLabel: string;
  action: GroupAction;
  /** Does the work; a throw shows the error here and keeps the dialog open. */
  onConfirm: () => Promise<void>;
  onCancel: () => void;
  hint?: string;
}

/** A small modal that asks before something hard to undo. Focus starts on 取消. */
export function ConfirmDialog(p: ConfirmProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await p.onConfirm();
    } catch (e) {
      setError(groupErrorText(toUiError(e, Date.now()), p.action, locale.get()));
      setBusy(false);
    }
  };
  return (
    <Modal id={p.id} title={p.title} onClose={p.onCancel} size="narrow">
      <p>{p.text}</p>
      {p.hint ? <p class="muted grp-small">{p.hint}</p> : null}
      <Alert id={`${p.id}-error`} text={error} />
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" data-autofocus onClick={p.onCancel}>
          {t('groups.cancel')}
        </button>
        <button type="button" class="btn btn-primary" disabled={busy} aria-describedby={error ? `${p.id}-error` : undefined} onClick={confirm}>
          {p.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** The text of a form problem, or undefined for none. */
export function problemText(p: FieldProblem | undefined): string | undefined {
  return p ? t(p.key, p.params) : undefined;
}
