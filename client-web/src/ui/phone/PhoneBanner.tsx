import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../../i18n';
import { usePhone } from './usePhone';
import './phone.css';

interface Props {
  id: string;
  /** The one line shown on a phone. */
  line: string;
  /** False while there is nothing to fold (the children show as they are). */
  active?: boolean;
  tone?: 'info' | 'warn' | 'urgent';
  children: ComponentChildren;
}

/**
 * A banner above the content (push offer, reminders): in full on a desk; on a phone one
 * line of 44 px that opens the banner with a tap, so an open channel keeps its screen for
 * messages. The children stay in the same place of the tree either way, so their own
 * state survives a fold or a rotation.
 */
export function PhoneBanner({ id, line, active = true, tone = 'info', children }: Props) {
  const phone = usePhone();
  const [open, setOpen] = useState(false);
  const folds = phone && active;
  const bodyId = `${id}-body`;
  return (
    <div class={folds ? `pbanner pbanner-${tone}${open ? ' pbanner-open' : ''}` : 'pbanner-flat'} data-banner={id}>
      {folds ? (
        <button type="button" class="pbanner-line" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
          <span class="pbanner-text">{line}</span>
          <span class="pbanner-toggle" aria-hidden="true">
            {open ? t('phone.collapse') : t('phone.expand')}
          </span>
        </button>
      ) : null}
      <div id={bodyId} class="pbanner-body" hidden={folds && !open}>
        {children}
      </div>
    </div>
  );
}
