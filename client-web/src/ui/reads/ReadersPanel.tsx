import { useEffect, useState } from 'preact/hooks';
import { previewText } from '../../chat/text';
import type { Message } from '../../chat/types';
import { personName } from '../../chat/view';
import { describeError } from '../../errors';
import { formatDateTime } from '../../format';
import { locale, t } from '../../i18n';
import { arrangeReaders, type ReaderGroup } from '../../reads/panel';
import { readStatus } from '../../reads/status';
import { Modal } from '../groups/Modal';
import { useStore } from '../hooks';
import type { ReadsScopeValue } from './ReadsScope';

type Tab = 'unread' | 'read';

/** Who has and has not read one message, live: two tabs, each listed by name, or under
 * departments in a big channel. */
export function ReadersPanel({ scope, m, onClose }: { scope: ReadsScopeValue; m: Message; onClose: () => void }) {
  const l = locale.get();
  const rs = useStore(scope.store);
  const c = rs.channels[scope.channel.id];
  const st = c?.positions ? readStatus(m, c.positions) : undefined;
  const [tab, setTab] = useState<Tab | undefined>();
  useEffect(() => void scope.store.ensureDirectory(), [scope.store]);
  const shown: Tab = tab ?? (st && st.unread.length === 0 ? 'read' : 'unread');
  const name = (id: number) => {
    const n = personName(id, scope.names);
    return n.startsWith('#') ? t('reads.unknown_person', { id }) : n;
  };
  const ids = st ? (shown === 'read' ? st.read : st.unread) : [];
  const arranged = arrangeReaders(ids, rs.directory, name);

  return (
    <Modal id="rd-panel" title={t('reads.panel_title')} onClose={onClose} size="narrow">
      <div class="rd-panel">
        <p class="rd-quote muted">
          <span dir="auto">{t('reads.message_quote', { text: previewText(m.text, 60) })}</span>{' '}
          <time dateTime={m.created_at}>{formatDateTime(m.created_at, l)}</time>
        </p>
        {!c?.positions ? (
          c?.error ? (
            <p class="form-error" role="alert">
              {t('reads.load_failed')} {describeError(c.error, l)}
            </p>
          ) : (
            <p class="muted">{t('reads.loading')}</p>
          )
        ) : st ? (
          <>
            <p class="rd-summary" aria-live="polite">
              {t('reads.summary', { total: st.read.length + st.unread.length, read: st.read.length, unread: st.unread.length })}
              <span class="rd-live">{t('reads.live')}</span>
            </p>
            <div class="rd-tabs" role="tablist" aria-label={t('reads.panel_title')}>
              {(['unread', 'read'] as const).map((k) => (
                <button
                  key={k}
                  type="button"
                  role="tab"
                  id={`rd-tab-${k}`}
                  class="rd-tab"
                  aria-selected={shown === k}
                  aria-controls="rd-list"
                  onClick={() => setTab(k)}
                >
                  {t(k === 'read' ? 'reads.tab_read' : 'reads.tab_unread', { n: (k === 'read' ? st.read : st.unread).length })}
                </button>
              ))}
            </div>
            {rs.directoryError && ids.length > 12 ? <p class="muted rd-note">{t('reads.directory_failed')}</p> : null}
            <div id="rd-list" class="rd-list" role="tabpanel" aria-labelledby={`rd-tab-${shown}`} data-tab={shown}>
              {arranged.groups.length === 0 ? (
                <p class="muted rd-empty">{t('reads.nobody')}</p>
              ) : (
                arranged.groups.map((g) => <Group key={g.id} g={g} heading={arranged.byDepartment} />)
              )}
            </div>
          </>
        ) : null}
      </div>
    </Modal>
  );
}

function Group({ g, heading }: { g: ReaderGroup; heading: boolean }) {
  const list = (
    <ul class="rd-people">
      {g.people.map((p) => (
        <li key={p.id} class="rd-person" data-user-id={p.id}>
          <span dir="auto">{p.name}</span>
        </li>
      ))}
    </ul>
  );
  if (!heading) return <section class="rd-group">{list}</section>;
  return (
    <section class="rd-group" aria-label={g.name || t('reads.no_department')}>
      <h3 class="rd-dept">
        <span dir="auto">{g.name || t('reads.no_department')}</span> <span class="muted">{g.people.length}</span>
      </h3>
      {list}
    </section>
  );
}
