// 会话密级上限: every channel's ceiling (最高密级) and usual level (默认密级), searched by
// name; each row saved on its own. The usual level can never be above the ceiling: a
// lower ceiling takes it down with it.

import { useEffect, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { describeError, toUiError, type UiError } from '../../errors';
import { t, type MessageKey } from '../../i18n';
import { listChannelSecrecy, putChannelSecrecy } from '../../secrecy/api';
import { ceilingRow, filterChannels, type CeilingRow } from '../../secrecy/ceilings';
import { levelName, TOP_LEVEL } from '../../secrecy/ladder';
import type { SecrecyStore } from '../../secrecy/store';
import type { ChannelSecrecy } from '../../secrecy/types';
import { useLocale, useStore } from '../hooks';
import { LevelTag } from '../secrecy/LevelTag';
import { levelsErrorText } from './LevelsTab';

const LEVELS = Array.from({ length: TOP_LEVEL + 1 }, (_, i) => i);
const MAX_SHOWN = 200;

export function ChannelCeilings({ request, secrecy }: { request: Request; secrecy: SecrecyStore }) {
  const l = useLocale();
  const ladder = useStore(secrecy).levels;
  const [rows, setRows] = useState<CeilingRow[] | undefined>();
  const [loadError, setLoadError] = useState<UiError | undefined>();
  const [q, setQ] = useState('');
  const load = () => {
    setLoadError(undefined);
    listChannelSecrecy(request).then((cs) => setRows(cs.map(ceilingRow)), (e) => setLoadError(toUiError(e, Date.now())));
  };
  useEffect(load, [request]);

  const patch = (id: number, v: Partial<CeilingRow>) => setRows((rs) => rs?.map((r) => (r.saved.channel_id === id ? { ...r, ...v } : r)));
  const save = async (r: CeilingRow) => {
    patch(r.saved.channel_id, { busy: true, error: undefined, done: false });
    try {
      const c: ChannelSecrecy | undefined = await putChannelSecrecy(request, r.saved.channel_id, r.max, r.def);
      // The answer is the row as stored; an empty answer means it took what was sent.
      patch(r.saved.channel_id, { ...ceilingRow(c?.channel_id ? { ...r.saved, ...c } : { ...r.saved, max_secrecy: r.max, default_secrecy: r.def }), done: true });
    } catch (e) {
      patch(r.saved.channel_id, { busy: false, error: toUiError(e, Date.now()) });
    }
  };

  const shown = rows ? filterChannels(rows, q) : [];
  return (
    <section class="esc-section" aria-labelledby="sec-ceil-title">
      <h2 id="sec-ceil-title" class="esc-heading">
        {t('secrecy.channels_title')}
      </h2>
      <p class="esc-explain">{t('secrecy.channels_explain')}</p>
      <label class="field-label" for="sec-ceil-search">
        {t('secrecy.channels_search')}
      </label>
      <input id="sec-ceil-search" class="input sec-search" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} aria-describedby="sec-ceil-count" />
      {loadError ? (
        <div class="esc-row">
          <p class="form-error" role="alert">
            {levelsErrorText(loadError, l)}
          </p>
          <button type="button" class="btn btn-secondary" onClick={load}>
            {t('secrecy.retry')}
          </button>
        </div>
      ) : !rows ? (
        <p class="muted" role="status">
          {t('secrecy.loading')}
        </p>
      ) : (
        <>
          <p id="sec-ceil-count" class="muted" role="status">
            {shown.length ? t('secrecy.channels_count', { n: shown.length }) : t('secrecy.channels_none')}
          </p>
          <ul class="sec-ceilings">
            {shown.slice(0, MAX_SHOWN).map((r) => {
              const c = r.saved;
              const id = `sec-ceil-${c.channel_id}`;
              const changed = r.max !== c.max_secrecy || r.def !== c.default_secrecy;
              return (
                <li key={c.channel_id} class="sec-ceiling" data-channel={c.channel_id}>
                  <div class="sec-ceiling-name">
                    <span class="sec-ceiling-title">{c.name}</span>
                    <span class="muted sec-ceiling-sub">
                      {t(`secrecy.kind_${c.kind}` as MessageKey)} · {t('secrecy.members_n', { n: c.members })}
                    </span>
                    <LevelTag level={c.max_secrecy} />
                  </div>
                  <label class="sec-ceiling-field">
                    <span>{t('secrecy.col_max')}</span>
                    <select
                      id={`${id}-max`}
                      class="input sec-select"
                      aria-label={t('secrecy.max_for', { name: c.name })}
                      value={r.max}
                      onChange={(e) => {
                        const max = Number(e.currentTarget.value);
                        patch(c.channel_id, { max, def: Math.min(r.def, max), done: false });
                      }}
                    >
                      {LEVELS.map((n) => (
                        <option key={n} value={n}>
                          {levelName(ladder, n, l)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label class="sec-ceiling-field">
                    <span>{t('secrecy.col_default')}</span>
                    <select
                      id={`${id}-def`}
                      class="input sec-select"
                      aria-label={t('secrecy.default_for', { name: c.name })}
                      value={r.def}
                      onChange={(e) => patch(c.channel_id, { def: Number(e.currentTarget.value), done: false })}
                    >
                      {LEVELS.filter((n) => n <= r.max).map((n) => (
                        <option key={n} value={n}>
                          {levelName(ladder, n, l)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <div class="sec-ceiling-act">
                    <button type="button" class="btn btn-primary btn-small" disabled={!changed || r.busy} onClick={() => void save(r)}>
                      {t('secrecy.save')}
                    </button>
                    {r.done ? (
                      <span class="esc-ok sec-row-ok" role="status">
                        {t('secrecy.row_saved')}
                      </span>
                    ) : null}
                  </div>
                  {r.error ? (
                    <p class="form-error sec-row-error" role="alert">
                      {describeError(r.error, l)}
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
