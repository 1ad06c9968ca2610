import { t } from '../../i18n';
import './directory.css';

/** A small online/offline dot with a text for screen readers. Unknown (presence not
 * loaded, or the question failed) shows an empty slot, so rows stay aligned. */
export function PresenceDot({ online }: { online: boolean | undefined }) {
  if (online === undefined) return <span class="presence-dot presence-unknown" aria-hidden="true" />;
  const label = online ? t('dir.online') : t('dir.offline');
  return (
    <span class={online ? 'presence-dot presence-online' : 'presence-dot presence-offline'} title={label}>
      <span class="visually-hidden">{label}</span>
    </span>
  );
}
