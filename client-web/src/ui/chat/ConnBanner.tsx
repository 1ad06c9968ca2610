import { useEffect, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../../chat/store';
import { t } from '../../i18n';

/** The connection, when it is not simply fine. Announced politely to screen readers. */
export function ConnBanner({ s, chat }: { s: ChatState; chat: ChatStore }) {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (s.conn !== 'waiting' || !s.retryInMs) return;
    const until = Date.now() + s.retryInMs;
    setLeft(Math.ceil(s.retryInMs / 1000));
    const id = setInterval(() => setLeft(Math.max(0, Math.ceil((until - Date.now()) / 1000))), 500);
    return () => clearInterval(id);
  }, [s.conn, s.retryInMs]);

  let text = '';
  let retry = false;
  switch (s.conn) {
    case 'connecting':
      text = s.everOnline ? t('chat.conn.reconnecting') : t('chat.conn.connecting');
      break;
    case 'waiting':
      text = left > 1 ? t('chat.conn.waiting', { s: left }) : t('chat.conn.reconnecting');
      retry = left > 1;
      break;
    case 'offline':
      text = t('chat.conn.offline');
      retry = true;
      break;
    case 'expired':
      text = t('chat.conn.expired');
      break;
  }
  return (
    <div class={`conn-banner conn-${s.conn}`} role="status" aria-live="polite" data-conn={s.conn} hidden={!text}>
      <span>{text}</span>
      {retry ? (
        <button type="button" class="btn btn-quiet btn-small" onClick={() => chat.socket.reconnectNow()}>
          {t('chat.conn.retry_now')}
        </button>
      ) : null}
    </div>
  );
}
