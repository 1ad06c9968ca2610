import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { ChatStore } from '../../chat/store';
import { channelTitle, groupChannels } from '../../chat/view';
import { toUiError, type UiError } from '../../errors';
import { t, type MessageKey } from '../../i18n';
import { useStore } from '../hooks';
import { ErrorText } from '../common';
import { createQuietApi, NOTIFY_LEVELS, type NotifyLevel, type QuietApi } from './quiet';

/** How many channel levels are fetched at once. */
const PARALLEL = 4;

/** Runs fn over items, at most `n` at a time. */
async function eachLimited<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** 频道通知: each of my channels with 全部消息 / 仅@我 / 关闭. */
export function ChannelsSection({ request, chat, api: given }: { request: Request; chat: ChatStore; api?: QuietApi }) {
  const api = useMemo(() => given ?? createQuietApi(request), [request, given]);
  const s = useStore(chat);
  const [levels, setLevels] = useState<Record<number, NotifyLevel>>({});
  const [saving, setSaving] = useState<Record<number, boolean>>({});
  const [error, setError] = useState<UiError>();
  const [query, setQuery] = useState('');
  const channels = useMemo(() => s.channels.filter((c) => !c.archived), [s.channels]);
  const ids = channels.map((c) => c.id).join(',');

  useEffect(() => {
    let live = true;
    const missing = channels.filter((c) => levels[c.id] === undefined);
    void eachLimited(missing, PARALLEL, async (c) => {
      try {
        const level = await api.level(c.id);
        if (live) setLevels((l) => ({ ...l, [c.id]: level }));
      } catch (e) {
        if (live) setError(toUiError(e, Date.now()));
      }
    });
    return () => {
      live = false;
    };
  }, [api, ids]);

  const set = async (id: number, level: NotifyLevel) => {
    const before = levels[id];
    setLevels((l) => ({ ...l, [id]: level }));
    setSaving((x) => ({ ...x, [id]: true }));
    setError(undefined);
    try {
      await api.setLevel(id, level);
    } catch (e) {
      setLevels((l) => ({ ...l, [id]: before ?? 'all' }));
      setError(toUiError(e, Date.now()));
    } finally {
      setSaving((x) => ({ ...x, [id]: false }));
    }
  };

  const groups = groupChannels(channels, s.people, query);
  return (
    <section class="settings-section" aria-labelledby="settings-channels-title">
      <h2 id="settings-channels-title" class="settings-heading">
        {t('settings.channels.title')}
      </h2>
      <p class="muted">{t('settings.channels.intro')}</p>
      <ErrorText id="channels-error" error={error} />
      {!s.channelsLoaded ? (
        <p class="muted">{t('settings.loading')}</p>
      ) : channels.length === 0 ? (
        <p class="muted">{t('settings.channels.none')}</p>
      ) : (
        <>
          {channels.length > 8 ? (
            <input
              class="input settings-filter"
              type="search"
              value={query}
              placeholder={t('settings.channels.filter')}
              aria-label={t('settings.channels.filter')}
              onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
            />
          ) : null}
          {groups.length === 0 ? <p class="muted">{t('settings.channels.no_match')}</p> : null}
          {groups.map((g) => (
            <div key={g.kind} class="settings-channel-group">
              <h3 class="settings-subheading">{t(`chat.kind.${g.kind}` as MessageKey)}</h3>
              <ul class="settings-list">
                {g.channels.map((c) => {
                  const name = channelTitle(c, s.people);
                  const level = levels[c.id];
                  return (
                    <li key={c.id} class="settings-channel" data-channel={c.id}>
                      <span class="settings-channel-name">{name}</span>
                      <fieldset class="segmented" disabled={level === undefined || saving[c.id]}>
                        <legend class="visually-hidden">{t('settings.channels.level_of', { name })}</legend>
                        {NOTIFY_LEVELS.map((l) => (
                          <label key={l} class={level === l ? 'segment segment-on' : 'segment'}>
                            <input type="radio" class="visually-hidden" name={`notify-${c.id}`} value={l} checked={level === l} onChange={() => void set(c.id, l)} />
                            {t(`settings.level.${l}` as MessageKey)}
                          </label>
                        ))}
                      </fieldset>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
