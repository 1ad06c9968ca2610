import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../../i18n';

interface Props {
  id: string;
  /** Phone width: one ＋ opens 图片 / 拍照 / 文件, as phones' chat apps do. */
  phone: boolean;
  onFiles: (files: File[]) => void;
}

/** The composer's 文件 and 图片 buttons (several files at once); on a phone the picture
 * button also offers the camera. Each opens the browser's own picker. */
export function AttachButtons({ id, phone, onFiles }: Props) {
  const file = useRef<HTMLInputElement>(null);
  const picture = useRef<HTMLInputElement>(null);
  const camera = useRef<HTMLInputElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!open) return undefined;
    const away = (e: Event) => {
      const el = e.target as Node;
      if (!panel.current?.contains(el) && !toggle.current?.contains(el)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  const picked = (e: Event) => {
    const input = e.target as HTMLInputElement;
    const files = input.files ? Array.from(input.files) : [];
    input.value = ''; // the same file may be picked again
    setOpen(false);
    if (files.length) onFiles(files);
  };
  const choose = (r: { current: HTMLInputElement | null }) => r.current?.click();

  const inputs = (
    <>
      <input ref={file} id={`${id}-file`} type="file" multiple hidden onChange={picked} />
      <input ref={picture} id={`${id}-picture`} type="file" accept="image/*" multiple hidden onChange={picked} />
      {phone ? <input ref={camera} id={`${id}-camera`} type="file" accept="image/*" capture="environment" hidden onChange={picked} /> : null}
    </>
  );

  if (!phone) {
    return (
      <span class="attach">
        <button type="button" class="btn btn-quiet attach-btn" aria-label={t('files.attach_label')} title={t('files.attach_label')} onClick={() => choose(file)}>
          <span aria-hidden="true">📎</span>
        </button>
        <button type="button" class="btn btn-quiet attach-btn" aria-label={t('files.picture_label')} title={t('files.picture_label')} onClick={() => choose(picture)}>
          <span aria-hidden="true">🖼️</span>
        </button>
        {inputs}
      </span>
    );
  }
  return (
    <span class="attach">
      <button
        type="button"
        ref={toggle}
        class="btn btn-quiet attach-btn"
        aria-label={`${t('files.picture')} / ${t('files.attach')}`}
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        onClick={() => {
          setOpen(!open);
          // From the keyboard, into the choices; a finger leaves the focus where it was.
          if (!open)
            requestAnimationFrame(() => {
              if (document.activeElement === toggle.current) panel.current?.querySelector<HTMLButtonElement>('button')?.focus();
            });
        }}
      >
        <span aria-hidden="true">＋</span>
      </button>
      {open ? (
        <div
          id={`${id}-menu`}
          ref={panel}
          class="attach-panel"
          role="group"
          aria-label={`${t('files.picture')} / ${t('files.attach')}`}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setOpen(false);
              toggle.current?.focus();
            }
          }}
        >
          <button type="button" class="attach-choice" onClick={() => choose(picture)}>
            <span class="attach-choice-icon" aria-hidden="true">🖼️</span>
            {t('files.picture')}
          </button>
          <button type="button" class="attach-choice" onClick={() => choose(camera)}>
            <span class="attach-choice-icon" aria-hidden="true">📷</span>
            {t('files.camera')}
          </button>
          <button type="button" class="attach-choice" onClick={() => choose(file)}>
            <span class="attach-choice-icon" aria-hidden="true">📎</span>
            {t('files.attach')}
          </button>
        </div>
      ) : null}
      {inputs}
    </span>
  );
}
