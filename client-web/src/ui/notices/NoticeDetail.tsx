import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { notePushMoment } from '../../push/prompt';
import { OffDutyHint } from '../quiet/OffDutyHint';
import { formatDateTime } from '../../format';
import { locale, t } from '../../i18n';
import { hasChanges, lineDiff } from '../../notices/diff';
import { charCount } from '../../notices/form';
import type { NoticeState, NoticeStore, OpenNotice } from '../../notices/store';
import { MAX_NOTICE_REPLY, type Notice, type NoticeRevision, type NoticeTally } from '../../notices/types';
import { isPast } from '../../notices/time';
import { rowState } from '../../notices/view';
import { noticeError } from './NoticeList';
import { authorName, Deadline, StateTag, Tags } from './parts';
import { TallyPanel } from './TallyPanel';
import { ReviseDialog, WithdrawDialog } from './ManageDialogs';
import { NoticeAttachments } from '../files/NoticeAttachments';

interface Props {
  s: NoticeState;
  store: NoticeStore;
  open: OpenNotice;
  now: number;
  onBack: () => void;
  /** For the author's off-duty hint about who has not confirmed. */
  request?: Request;
}

/** One notice: what it says, its history, and — by who is reading — the confirmation
 * or the live tally and the author's actions. */
export function NoticeDetail({ s, store, open, now, onBack, request }: Props) {
  const n = open.notice;
  const headRef = useRef<HTMLHeadingElement>(null);
  const [dialog, setDialog] = useState<'revise' | 'withdraw' | undefined>();
  // Land on the title when a notice opens, so that a screen reader starts there.
  useEffect(() => {
    if (n) headRef.current?.focus();
  }, [n?.id]);

  return (
    <article class="ntc-detail" aria-busy={open.loading ? 'true' : undefined} aria-labelledby="ntc-detail-title">
      <button type="button" class="btn btn-quiet ntc-back" onClick={onBack}>
        ← {t('notices.back')}
      </button>
      {!n ? (
        open.error ? (
          <p class="form-error" role="alert">
            {noticeError(open.error)}
          </p>
        ) : (
          <p class="muted ntc-note">{t('notices.loading')}</p>
        )
      ) : (
        <>
          <header class="ntc-detail-head">
            <h1 id="ntc-detail-title" class="page-title ntc-detail-title" tabIndex={-1} ref={headRef}>
              {n.title}
            </h1>
            <p class="ntc-detail-tags">
              <Tags n={n} />
              <StateTag n={n} />
            </p>
            <p class="ntc-meta">
              <span>{t('notices.by', { name: authorName(s, n.author_id) })}</span>
              <span>{t('notices.published_at', { time: formatDateTime(n.created_at, locale.get()) })}</span>
              {n.revised_at ? <span>{t('notices.revised_at', { time: formatDateTime(n.revised_at, locale.get()) })}</span> : null}
            </p>
            <p class="ntc-meta">
              {n.deadline ? (
                <span>
                  <Deadline iso={n.deadline} now={now} />
                  {isPast(n.deadline, now) ? <span class="ntc-deadline-past"> · {t('notices.deadline_passed')}</span> : null}
                </span>
              ) : (
                <span class="muted">{t('notices.no_deadline')}</span>
              )}
              {/* The author's state tag already says how many received it. */}
              {n.receipt ? <span>{t('notices.recipients', { n: n.recipients })}</span> : null}
              {n.revision > 1 ? <span>{t('notices.revision', { n: n.revision })}</span> : null}
            </p>
          </header>

          {n.status === 'withdrawn' ? (
            <div class="ntc-withdrawn" role="note">
              <p>
                <strong>{t('notices.withdrawn_banner', { time: n.withdrawn_at ? formatDateTime(n.withdrawn_at, locale.get()) : '' })}</strong>
              </p>
              {n.withdraw_reason ? <p>{t('notices.withdrawn_reason', { reason: n.withdraw_reason })}</p> : null}
            </div>
          ) : null}

          {n.revision > 1 && n.change_note ? (
            <p class="ntc-change-note">
              <strong>{t('notices.revision', { n: n.revision })}</strong> {t('notices.change_note', { note: n.change_note })}
            </p>
          ) : null}

          <section class="ntc-body-wrap" aria-label={t('notices.body_label')}>
            {/* Plain text, never HTML: line breaks kept by CSS. */}
            <div class="ntc-body">{n.body}</div>
          </section>
          <NoticeAttachments attachments={n.attachments} withdrawn={n.status === 'withdrawn' && !n.can_manage} level={n.secrecy} />

          <Recipient n={n} open={open} s={s} store={store} />

          {n.can_manage && n.status !== 'withdrawn' ? (
            <div class="ntc-manage" role="group" aria-label={t('notices.manage_label')}>
              <button type="button" class="btn btn-secondary" onClick={() => setDialog('revise')}>
                {t('notices.revise')}
              </button>
              <button type="button" class="btn btn-secondary ntc-danger" onClick={() => setDialog('withdraw')}>
                {t('notices.withdraw')}
              </button>
            </div>
          ) : null}

          {n.can_manage && n.status !== 'withdrawn' && request ? <WaitingOffDuty request={request} tally={s.tally?.data} /> : null}
          {n.can_tally && s.tally ? <TallyPanel s={s} store={store} notice={n} tally={s.tally} /> : null}

          <History revisions={open.revisions} />

          {dialog === 'revise' ? <ReviseDialog s={s} store={store} notice={n} onClose={() => setDialog(undefined)} /> : null}
          {dialog === 'withdraw' ? <WithdrawDialog s={s} store={store} onClose={() => setDialog(undefined)} /> : null}
        </>
      )}
    </article>
  );
}

/** The reader's part: 确认收到 with an optional reply, or "已确认 (time)". */
function Recipient({ n, open, s, store }: { n: Notice; open: OpenNotice; s: NoticeState; store: NoticeStore }) {
  const [reply, setReply] = useState('');
  const btnRef = useRef<HTMLButtonElement>(null);
  const r = n.receipt;
  if (!r || n.status === 'withdrawn') return null;
  if (!n.needs_confirm) return <p class="ntc-confirmed muted">{t('notices.no_confirm_needed')}</p>;
  const st = rowState(n);
  if (st === 'confirmed' && r.confirmed_at) {
    return (
      <div class="ntc-confirmed" role="status">
        <p>
          <span aria-hidden="true">✓ </span>
          {t('notices.confirmed_at', { time: formatDateTime(r.confirmed_at, locale.get()) })}
        </p>
        {r.reply ? <p class="muted">{t('notices.confirmed_reply', { reply: r.reply })}</p> : null}
      </div>
    );
  }
  const busy = !!s.busy.confirm;
  const tooLong = charCount(reply) > MAX_NOTICE_REPLY;
  const staleRev = open.staleFrom ?? (r.confirmed_revision && r.confirmed_revision < n.revision ? r.confirmed_revision : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || tooLong) return;
    if (await store.confirm(reply)) {
      setReply('');
      notePushMoment(); // having confirmed a notice, one wants to hear of the next
    }
    else btnRef.current?.focus();
  };
  return (
    <form class="ntc-confirm" onSubmit={submit} aria-labelledby="ntc-confirm-btn">
      {staleRev ? (
        <div class="ntc-stale" role="alert">
          <p>{open.staleFrom ? t('notices.stale_changed') : t('notices.confirm_again', { n: n.revision, old: staleRev })}</p>
          <StaleChange revisions={open.revisions} from={staleRev} />
        </div>
      ) : null}
      <div class="field ntc-reply">
        <label htmlFor="ntc-reply">{t('notices.reply_label')}</label>
        <input
          id="ntc-reply"
          class="input"
          type="text"
          value={reply}
          maxLength={MAX_NOTICE_REPLY}
          autocomplete="off"
          aria-describedby="ntc-reply-hint"
          aria-invalid={tooLong ? 'true' : undefined}
          onInput={(e) => setReply((e.currentTarget as HTMLInputElement).value)}
        />
        <p id="ntc-reply-hint" class="field-hint">
          {t('notices.reply_hint', { max: MAX_NOTICE_REPLY })}
        </p>
      </div>
      <p class="form-error" role="alert" id="ntc-confirm-error" hidden={!s.errors.confirm}>
        {s.errors.confirm ? noticeError(s.errors.confirm) : ''}
      </p>
      <button
        id="ntc-confirm-btn"
        ref={btnRef}
        type="submit"
        class="btn btn-primary ntc-confirm-btn"
        disabled={busy}
        aria-describedby={s.errors.confirm ? 'ntc-confirm-error' : undefined}
      >
        {busy ? t('notices.confirming') : t('notices.confirm')}
      </button>
    </form>
  );
}

/** What changed from the revision the reader had confirmed (or seen) to the current one. */
function StaleChange({ revisions, from }: { revisions: NoticeRevision[]; from: number }) {
  const old = revisions.find((r) => r.revision === from);
  const cur = revisions[revisions.length - 1];
  if (!old || !cur || cur.revision === old.revision) return null;
  const notes = revisions.filter((r) => r.revision > from && r.change_note).map((r) => `${t('notices.revision', { n: r.revision })}：${r.change_note}`);
  return (
    <>
      {notes.map((x) => (
        <p key={x}>{x}</p>
      ))}
      <Change before={old} after={cur} open />
    </>
  );
}

/** 修改记录: each revision, newest first, with its note and what changed. */
function History({ revisions }: { revisions: NoticeRevision[] }) {
  if (revisions.length < 2) return null;
  const list = revisions.slice().sort((a, b) => b.revision - a.revision);
  return (
    <section class="ntc-history" aria-labelledby="ntc-history-title">
      <h2 id="ntc-history-title" class="ntc-h2">
        {t('notices.history')}
      </h2>
      <ol class="ntc-history-list" reversed>
        {list.map((r) => {
          const prev = revisions.find((x) => x.revision === r.revision - 1) ?? revisions.filter((x) => x.revision < r.revision).pop();
          return (
            <li key={r.revision} class="ntc-history-item">
              <p class="ntc-history-head">
                <strong>{t('notices.history_rev', { n: r.revision, time: formatDateTime(r.created_at, locale.get()) })}</strong>
              </p>
              {prev ? (
                <>
                  {r.change_note ? <p>{t('notices.change_note', { note: r.change_note })}</p> : null}
                  <Change before={prev} after={r} />
                </>
              ) : (
                <p class="muted">{t('notices.history_first')}</p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function Change({ before, after, open }: { before: NoticeRevision; after: NoticeRevision; open?: boolean }) {
  const diff = lineDiff(before.body, after.body);
  return (
    <>
      {before.title !== after.title ? <p>{t('notices.history_title', { from: before.title, to: after.title })}</p> : null}
      {hasChanges(diff) ? (
        <details class="ntc-diff-wrap" open={open}>
          <summary>{t('notices.history_show')}</summary>
          <ul class="ntc-diff" aria-label={t('notices.diff_label')}>
            {diff.map((l, i) => (
              <li key={i} class={`ntc-diff-${l.kind}`}>
                <span class="ntc-diff-mark" aria-hidden="true">
                  {l.kind === 'add' ? '+' : l.kind === 'del' ? '−' : ' '}
                </span>
                {l.kind === 'add' ? <span class="visually-hidden">{t('notices.diff_added')}</span> : null}
                {l.kind === 'del' ? <span class="visually-hidden">{t('notices.diff_removed')}</span> : null}
                {l.kind === 'del' ? <del>{l.text || ' '}</del> : l.kind === 'add' ? <ins>{l.text || ' '}</ins> : <span>{l.text || ' '}</span>}
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p class="muted">{t('notices.history_body_same')}</p>
      )}
    </>
  );
}

/** For the author: of those who have not confirmed, who is off duty and when they will be
 * told — so "why has nobody confirmed" has an answer at 22:00 on a Friday. */
function WaitingOffDuty({ request, tally }: { request: Request; tally?: NoticeTally }) {
  // Stable while the tally is: the hint asks the server again only when it changes.
  const { ids, names } = useMemo(() => {
    const names = new Map<number, string>();
    for (const d of tally?.departments ?? []) {
      // Those an urgent notice broke through for were pushed already: not "…提醒" later.
      for (const p of d.people ?? []) if (p.state !== 'confirmed' && p.push !== 'breakthrough') names.set(p.user_id, p.display_name);
    }
    return { ids: [...names.keys()], names };
  }, [tally]);
  // The reachability endpoint answers for at most 500 people at once.
  if (ids.length === 0 || ids.length > 500) return null;
  return <OffDutyHint request={request} userIds={ids} names={names} />;
}
