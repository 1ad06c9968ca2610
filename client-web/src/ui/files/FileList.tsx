import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { personName, type Names } from '../../chat/view';
import {
  eachLimited,
  filterRows,
  groupByDate,
  loadChannelFiles,
  mergePage,
  NO_FILTERS,
  sendersOf,
  TYPE_FILTERS,
  type FileRow,
  type Filters,
  type TypeFilter,
} from '../../files/channelFiles';
import { fileKind, formatSize, middleEllipsis } from '../../files/display';
import { isPicture } from '../../files/gallery';
import { asOpenError, FileOpenError, openErrorText } from '../../files/open';
import { channelContext } from '../../files/types';
import { describeError, toUiError } from '../../errors';
import { formatTime } from '../../format';
import { locale, t, type MessageKey } from '../../i18n';
import { useLocale } from '../hooks';
import { FileIcon } from './FileIcon';
import { LevelTag } from '../secrecy/LevelTag';
import { useColumns } from './AttachmentView';
import { useAttachmentPlace, useFilesView } from './scope';
import { useRulesOf } from '../protect/context';

/** Names decrypted at once: each is a key lookup (batched) and a 4 KiB range read. */
const DECRYPT_LANES = 4;

interface Props {
  request: Request;
  channelId: number;
  names: Names;
  onClose: () => void;
}

/** 群文件: every file sent in the channel, newest first by day, with its name, size and
 * sender decrypted here; filter by type, sender and name; a click opens a picture or a
 * PDF, or downloads the file. */
export function FileList({ request, channelId, names, onClose }: Props) {
  useLocale();
  const l = locale.get();
  const view = useFilesView();
  const place = useAttachmentPlace();
  // A file's level: its entry's, and the loaded messages' that carry it.
  const rulesOf = useRulesOf();
  const context = channelContext(channelId);
  const [rows, setRows] = useState<FileRow[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const live = useRef(true);
  const known = useRef(new Set<string>());
  const headRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const decrypt = (fresh: FileRow[]) => {
    if (!view) return;
    void eachLimited(fresh, DECRYPT_LANES, async (r) => {
      const id = r.file.attachment.blob_id;
      try {
        const meta = await view.opener.meta(r.file.attachment, context);
        if (live.current) setRows((rs) => rs.map((x) => (x.file.attachment.blob_id === id ? { ...x, meta, error: undefined } : x)));
      } catch (e) {
        const code = asOpenError(e).code;
        if (live.current) setRows((rs) => rs.map((x) => (x.file.attachment.blob_id === id ? { ...x, error: code } : x)));
      }
    });
  };

  const load = async (before?: number) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await loadChannelFiles(request, channelId, before);
      if (!live.current) return;
      const fresh = page.files.filter((f) => !known.current.has(`${f.seq}:${f.attachment.blob_id}`));
      for (const f of fresh) known.current.add(`${f.seq}:${f.attachment.blob_id}`);
      setRows((rs) => mergePage(rs, fresh));
      setHasMore(page.has_more);
      // Names are decrypted a few at a time (the opener keeps what it already knows).
      decrypt(fresh.map((file) => ({ file })));
    } catch (e) {
      if (live.current) setError(describeError(toUiError(e, Date.now()), l));
    } finally {
      if (live.current) setLoading(false);
    }
  };

  useEffect(() => {
    setRows([]);
    known.current = new Set();
    void load();
    headRef.current?.focus();
  }, [channelId]);

  const shown = filterRows(rows, filters);
  const groups = groupByDate(shown, Date.now(), l);
  const senders = useMemo(() => sendersOf(rows), [rows]);
  const pictures = shown.filter((r) => isPicture(r.file.attachment)).map((r) => r.file.attachment);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  // Every row's name column is as wide as the list's: one measure for all.
  const listRef = useRef<HTMLDivElement>(null);
  const columns = Math.max(8, useColumns(listRef, 14) - 18);

  const openRow = (r: FileRow) => {
    const att = r.file.attachment;
    if (!r.meta) return;
    if (isPicture(att)) place?.openPicture(att, pictures);
    else if (fileKind(r.meta.type, r.meta.name) === 'pdf') place?.openPdf(att);
    else if (rulesOf(r.file.attachment.blob_id, r.file.secrecy).download) void view?.downloads.start(att, context);
  };

  return (
    <aside class="fv-files" aria-labelledby="fv-files-title">
      <div class="fv-files-head">
        <h2 id="fv-files-title" class="fv-files-title" tabIndex={-1} ref={headRef}>
          {t('filesview.list_title')}
        </h2>
        <button type="button" class="btn btn-quiet btn-small" onClick={onClose}>
          {t('filesview.list_close')}
        </button>
      </div>
      <div class="fv-files-filters">
        <div class="fv-chips" role="radiogroup" aria-label={t('filesview.filter_label')}>
          {TYPE_FILTERS.map((f: TypeFilter) => (
            <button key={f} type="button" role="radio" aria-checked={filters.type === f} class={`fv-chip${filters.type === f ? ' fv-chip-on' : ''}`} onClick={() => set({ type: f })}>
              {t(`filesview.filter_${f}` as MessageKey)}
            </button>
          ))}
        </div>
        <div class="fv-files-row">
          <label class="visually-hidden" for="fv-files-sender">
            {t('filesview.filter_sender')}
          </label>
          <select id="fv-files-sender" class="input fv-files-sender" value={String(filters.sender)} onChange={(e) => set({ sender: Number((e.target as HTMLSelectElement).value) })}>
            <option value="0">{t('filesview.sender_all')}</option>
            {senders.map((id) => (
              <option key={id} value={String(id)}>
                {personName(id, names)}
              </option>
            ))}
          </select>
          <input
            type="search"
            class="input fv-files-search"
            placeholder={t('filesview.filter_name')}
            aria-label={t('filesview.filter_name')}
            value={filters.text}
            onInput={(e) => set({ text: (e.target as HTMLInputElement).value })}
          />
        </div>
      </div>
      <div class="fv-files-body" ref={listRef}>
        {error ? (
          <p class="form-error fv-files-note" role="alert">
            {t('filesview.list_failed')} {error}{' '}
            <button type="button" class="btn btn-quiet btn-small" onClick={() => void load(rows[rows.length - 1]?.file.seq)}>
              {t('filesview.retry')}
            </button>
          </p>
        ) : null}
        {!loading && !error && rows.length === 0 ? <p class="muted fv-files-note">{t('filesview.list_empty')}</p> : null}
        {rows.length > 0 && shown.length === 0 ? <p class="muted fv-files-note">{t('filesview.list_no_match')}</p> : null}
        {groups.map((g) => (
          <section key={g.key} class="fv-files-day" aria-label={g.label}>
            <h3 class="fv-files-date">{g.label}</h3>
            <ul class="fv-files-list">
              {g.rows.map((r) => {
                const m = r.meta;
                const kind = m ? fileKind(m.type, m.name) : 'other';
                const sender = personName(r.file.sender_id, names);
                const name = m?.name ?? '';
                return (
                  <li key={`${r.file.seq}-${r.file.attachment.blob_id}`} class="fv-file">
                    <button
                      type="button"
                      class="fv-file-open"
                      disabled={!m}
                      aria-label={m ? t('filesview.list_row', { name, size: formatSize(m.size, l), sender }) : undefined}
                      onClick={() => openRow(r)}
                    >
                      <FileIcon kind={kind} size={32} />
                      <span class="fv-file-text">
                        <span class="fv-file-name" dir="auto" title={name}>
                          {m ? middleEllipsis(name, columns) : r.error ? t('filesview.list_unreadable') : t('filesview.list_decrypting')}
                        </span>
                        <span class="fv-file-sub muted">
                          {m ? `${formatSize(m.size, l)} · ` : ''}
                          {sender} · <time dateTime={r.file.created_at}>{formatTime(r.file.created_at)}</time>
                          <LevelTag level={r.file.secrecy} />
                        </span>
                        {r.error ? <span class="fv-file-err">{openErrorText(new FileOpenError(r.error), l)}</span> : null}
                      </span>
                    </button>
                    {m && !rulesOf(r.file.attachment.blob_id, r.file.secrecy).download ? (
                      <span class="fv-file-dl wm-view-only" title={t('protect.view_only_hint')}>
                        {t('protect.view_only')}
                      </span>
                    ) : m ? (
                      <button
                        type="button"
                        class="btn btn-quiet btn-small fv-file-dl"
                        aria-label={t('filesview.download_name', { name })}
                        onClick={() => void view?.downloads.start(r.file.attachment, context)}
                      >
                        {t('filesview.download')}
                      </button>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        {loading ? <p class="muted fv-files-note">{t('filesview.list_loading')}</p> : null}
        {hasMore && !loading ? (
          <button type="button" class="btn btn-secondary fv-files-more" onClick={() => void load(rows[rows.length - 1]?.file.seq)}>
            {t('filesview.list_more')}
          </button>
        ) : null}
        {rows.length > 0 ? (
          <p class="muted fv-files-count" role="status">
            {t('filesview.list_count', { n: rows.length })}
          </p>
        ) : null}
      </div>
    </aside>
  );
}
