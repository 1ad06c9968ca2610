import { describeError } from '../../../errors';
import type { KeyringStore } from '../../../files/keyring-impl';
import { formatSize } from '../../../files/size';
import { percent, type UploadItem, type UploadQueue } from '../../../files/upload';
import { locale, t, type MessageKey } from '../../../i18n';
import { useStore } from '../../hooks';


/** The status line of an upload row, by its stage. */
export function statusText(it: UploadItem, pct: number, keyLoading: boolean): string {
  switch (it.stage) {
    case 'waiting':
      // Just after login the key is still being unwrapped (PBKDF2): that is only a wait.
      return it.needsKey && !keyLoading ? t('files.needs_key') : t('files.stage.waiting');
    case 'uploading':
      return `${t('files.stage.uploading')} ${pct}%`;
    case 'failed':
      return t('files.failed', { reason: it.error ? describeError(it.error, locale.get()) : '' });
    case 'done':
      return `${t('files.stage.done')}。${t('files.missing', { n: it.missing ?? 0 })}`;
    default:
      return t(`files.stage.${it.stage}` as MessageKey);
  }
}

/** One row per file being sent in this channel (name, size, progress, 取消 / 重试), and
 * what was refused before any byte left. */
export function UploadRows({ queue, keyring, channelId, limit }: { queue: UploadQueue; keyring: KeyringStore; channelId: number; limit: number }) {
  const s = useStore(queue);
  const keyLoading = useStore(keyring).status === 'loading';
  const items = s.items.filter((x) => x.channelId === channelId);
  const refused = s.refused.filter((r) => r.channelId === channelId);
  if (!items.length && !refused.length) return null;
  return (
    <div class="uploads">
      {refused.length ? (
        <div class="upload-refused" role="alert">
          <ul>
            {refused.map((r, i) => (
              <li key={i}>{r.reason === 'folder' ? t('files.folder', { name: r.name }) : t('files.too_large', { name: r.name, limit: formatSize(limit) })}</li>
            ))}
          </ul>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => queue.clearRefused(channelId)}>
            {t('files.refused_dismiss')}
          </button>
        </div>
      ) : null}
      {items.length ? (
        <ul class="upload-list" aria-label={t('files.uploads')}>
          {items.map((it) => (
            <UploadRow key={it.id} it={it} status={statusText(it, percent(it), keyLoading)} onRetry={() => queue.retry(it.id)} onCancel={() => queue.cancel(it.id)} onDismiss={() => queue.dismiss(it.id)} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** One file being sent: its name, size, progress, status line, and 重试 / 取消 / 知道了 as
 * its stage allows (a notice's attachments show the same rows, ui/files/NoticeDraftFiles). */
export function UploadRow(p: { it: UploadItem; status: string; onRetry: () => void; onCancel: () => void; onDismiss?: () => void; locked?: boolean }) {
  const { it, status, onRetry, onCancel, onDismiss } = p;
  const pct = percent(it);
  const failed = it.stage === 'failed';
  // locked: the notice it belongs to is being published; the row only shows.
  const cancellable = it.stage !== 'sending' && it.stage !== 'done' && !p.locked;
  return (
    <li class={`upload-item upload-${it.stage}`} data-upload-stage={it.stage}>
      <span class="upload-icon" aria-hidden="true">
        {it.picture ? '🖼️' : '📄'}
      </span>
      <div class="upload-main">
        <div class="upload-line">
          <span class="upload-name" title={it.name} dir="auto">
            {it.name}
          </span>
          <span class="upload-size">{formatSize(it.size)}</span>
        </div>
        <progress class="upload-bar" max={100} value={pct} aria-label={t('files.progress', { name: it.name })} />
        <p class={failed ? 'upload-status form-error' : 'upload-status muted'} role={failed ? 'alert' : undefined} aria-live={failed ? undefined : 'off'}>
          {status}
        </p>
      </div>
      <div class="upload-actions">
        {failed && !p.locked ? (
          <button type="button" class="btn btn-secondary btn-small" aria-label={t('files.retry_label', { name: it.name })} onClick={onRetry}>
            {t('files.retry')}
          </button>
        ) : null}
        {it.stage === 'done' && onDismiss ? (
          <button type="button" class="btn btn-quiet btn-small" onClick={onDismiss}>
            {t('files.dismiss')}
          </button>
        ) : cancellable ? (
          <button type="button" class="btn btn-quiet btn-small" aria-label={t('files.cancel_label', { name: it.name })} onClick={onCancel}>
            {t('files.cancel')}
          </button>
        ) : null}
      </div>
    </li>
  );
}
