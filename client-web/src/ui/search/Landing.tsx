import { t } from '../../i18n';
import './search.css';

/** How long a landed message stays highlighted. */
export const LANDED_MS = 4000;

/** Highlights the message a search opened at, briefly, and gives it focus so that a
 * screen reader reads it. The fade is CSS, and stills under prefers-reduced-motion. */
export function showLanded(el: HTMLElement) {
  el.classList.remove('msg-landed');
  // Restart the fade when the same message is landed on again.
  void el.offsetWidth;
  el.classList.add('msg-landed');
  el.focus({ preventScroll: true });
  setTimeout(() => el.classList.remove('msg-landed'), LANDED_MS);
}

/** The end of a timeline opened short of the live end: newer pages load as the reader
 * scrolls here, or with this button. */
export function NewerEdge({ loading, onLoad }: { loading: boolean; onLoad: () => void }) {
  return (
    <div class="timeline-newer">
      {loading ? (
        <p class="muted" role="status">
          {t('search.loading_newer')}
        </p>
      ) : (
        <button type="button" class="btn btn-quiet btn-small" onClick={onLoad}>
          {t('search.load_newer')}
        </button>
      )}
    </div>
  );
}
