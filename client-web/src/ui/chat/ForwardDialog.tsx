import { useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { Channel, Message, Person } from '../../chat/types';
import { channelTitle } from '../../chat/view';
import { describeError, toUiError } from '../../errors';
import {
  choiceKey,
  forwardErrorText,
  forwardRequest,
  newForwardId,
  recentChannels,
  sendForward,
  toggleChoice,
  type Choice,
} from '../../forward/forward';
import { MAX_FORWARD_TARGETS } from '../../forward/types';
import { createGroupsApi } from '../../groups/api';
import { locale, t } from '../../i18n';
import { PeopleSearchBox } from '../common';
import { useLocale, usePeopleSearch } from '../hooks';
import { Alert, Modal } from '../groups/Modal';
import { useLadder } from '../../secrecy/context';
import { levelName } from '../../secrecy/ladder';
import { Avatar } from './Avatar';
import { useFiles } from '../../files/keyring';
import { planRewrap, rewrapErrorText, runRewrap } from '../../files/rewrap';
import { previewOf } from '../../files/gallery';
import { useFilesView } from '../files/scope';

interface Props {
  request: Request;
  meId: number;
  channelId: number;
  /** The chosen messages of channelId, ascending. */
  messages: Message[];
  merged: boolean;
  channels: Channel[];
  people: Record<number, Person>;
  onClose: () => void;
  onSent: () => void;
}

/** 转发给: choose recent chats and people (search), add a comment, send. A refusal is
 * shown in words, naming the chat it is about; the dialog stays open to change the choice. */
export function ForwardDialog(p: Props) {
  useLocale();
  const l = locale.get();
  const api = useMemo(() => createGroupsApi(p.request), [p.request]);
  const search = usePeopleSearch(api.search);
  const [chosen, setChosen] = useState<Choice[]>([]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Files in the chosen messages: their keys are wrapped for each target first (progress).
  const [rewrap, setRewrap] = useState<{ done: number; total: number }>();
  const files = useFiles();
  const filesView = useFilesView();
  // One id for this dialog's sends: a retry after a lost answer writes nothing twice.
  const clientId = useRef(newForwardId());
  const searchRef = useRef<HTMLInputElement>(null);

  const q = search.text.trim().toLowerCase();
  const recent = recentChannels(p.channels, q ? 100 : 12).filter((c) => !q || channelTitle(c, p.people).toLowerCase().includes(q));
  // A person whose direct channel is already listed is not listed twice.
  const found = (search.results ?? []).filter((x) => x.id !== p.meId && !recent.some((c) => c.peer_id === x.id));
  const isChosen = (c: Choice) => chosen.some((x) => choiceKey(x) === choiceKey(c));
  const level = Math.max(0, ...p.messages.map((m) => m.secrecy));
  const ladder = useLadder();
  // A chosen place's ceiling, where the list knows it (a person's direct channel once opened).
  const ceilingOf = (c: Choice) => (c.kind === 'channel' ? p.channels.find((x) => x.id === c.id) : p.channels.find((x) => x.kind === 'direct' && x.peer_id === c.id))?.max_secrecy;

  const toggle = (c: Choice) => {
    const r = toggleChoice(chosen, c);
    setChosen(r.chosen);
    setError(r.ok ? undefined : t('forward.target_limit', { max: MAX_FORWARD_TARGETS }));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (chosen.length === 0) {
      setError(t('forward.choose_first'));
      searchRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    let targets: Choice[] = chosen;
    const plan = planRewrap(p.messages, chosen, p.channels, p.channelId);
    if (plan) {
      if (!files || !filesView) {
        setError(t('filesview.fwd_err_no_files'));
        setBusy(false);
        return;
      }
      try {
        targets = await runRewrap(
          plan,
          {
            keys: (blobId, context) => filesView.opener.keys(blobId, context),
            channelKeys: (id) => files.keyring.channelKeys(id),
            share: (o) => files.sharer.share(o),
            openDirect: (userId) => p.request<Channel>('POST', `/direct/${userId}`).then((c) => c.id),
          },
          (done, total) => setRewrap({ done, total }),
        );
      } catch (err) {
        setError(rewrapErrorText(err, l, (x) => describeError(toUiError(x, Date.now()), l)));
        setRewrap(undefined);
        setBusy(false);
        return;
      }
      setRewrap(undefined);
    }
    try {
      await sendForward(
        p.request,
        forwardRequest({ clientId: clientId.current, channelId: p.channelId, seqs: p.messages.map((m) => m.seq), merged: p.merged, chosen: targets, comment }),
      );
      p.onSent();
    } catch (err) {
      const ui = toUiError(err, Date.now());
      // A refusal changes nothing: the next attempt is a new request.
      if (ui.code !== 'unavailable' && ui.code !== 'unknown_response') clientId.current = newForwardId();
      setError(forwardErrorText(ui, targets, l, (x) => describeError(x, l), { level, ladder, ceilingOf }));
      setBusy(false);
    }
  };

  const first = p.messages[0];
  const source = p.channels.find((c) => c.id === p.channelId);
  const what = p.merged
    ? t('forward.what_merged', { title: t('forward.record_title', { name: source ? channelTitle(source, p.people) : '' }), n: p.messages.length })
    : p.messages.length > 1
      ? t('forward.what_many', { n: p.messages.length })
      : t('forward.what_one', { name: first ? (p.people[first.sender_id]?.display_name ?? `#${first.sender_id}`) : '', text: previewOf(first?.forward?.items[0] ?? first ?? { text: '' }, l).slice(0, 60) });

  const row = (c: Choice, avatar: { id: number; name: string }, sub?: string) => (
    <li key={choiceKey(c)}>
      <label class="fwd-choice">
        <input type="checkbox" checked={isChosen(c)} onChange={() => toggle(c)} />
        <Avatar id={avatar.id} name={avatar.name} size="sm" />
        <span class="fwd-choice-name">{c.title}</span>
        {sub ? <span class="muted fwd-choice-sub">{sub}</span> : null}
      </label>
    </li>
  );

  return (
    <Modal id="fwd-dialog" title={p.merged ? t('forward.dialog_title_merged') : t('forward.dialog_title')} onClose={p.onClose} initialFocus={searchRef}>
      <form class="form fwd-form" onSubmit={submit} noValidate>
        <p class="fwd-what muted" dir="auto">
          {what}
        </p>
        {level > 0 ? <p class="fwd-secrecy-note muted">{t('secrecy.forward_note', { name: levelName(ladder, level, l) })}</p> : null}
        <label class="field-label" for="fwd-search">
          {t('forward.search')}
        </label>
        <PeopleSearchBox id="fwd-search" value={search.text} onInput={search.setText} describedBy="fwd-chosen" inputRef={searchRef} />
        <p id="fwd-chosen" class="muted fwd-chosen" role="status">
          {chosen.length ? t('forward.chosen', { n: chosen.length }) + '：' + chosen.map((c) => c.title).join('、') : ''}
        </p>
        <div class="fwd-lists">
          {recent.length ? <h3 class="fwd-list-title">{t('forward.recent')}</h3> : null}
          <ul class="fwd-list" aria-label={t('forward.recent')}>
            {recent.map((c) => {
              const title = channelTitle(c, p.people);
              return row({ kind: 'channel', id: c.id, title }, { id: c.peer_id ?? c.id, name: title });
            })}
          </ul>
          {q ? (
            <>
              {found.length ? <h3 class="fwd-list-title">{t('forward.people')}</h3> : null}
              {search.searching && !search.results ? <p class="muted">{t('forward.searching')}</p> : null}
              <ul class="fwd-list" aria-label={t('forward.people')}>
                {found.map((x) => row({ kind: 'person', id: x.id, title: x.display_name }, { id: x.id, name: x.display_name }, x.title))}
              </ul>
              {search.results && recent.length === 0 && found.length === 0 ? <p class="muted">{t('forward.no_match')}</p> : null}
            </>
          ) : null}
        </div>
        <label class="field fwd-comment">
          <span class="field-label">{t('forward.comment')}</span>
          <textarea rows={2} maxLength={5000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
        </label>
        {rewrap ? (
          <p class="muted fv-rewrap" role="status">
            {t('filesview.fwd_rewrap', rewrap)}
          </p>
        ) : null}
        <Alert id="fwd-error" text={error} />
        <div class="form-actions">
          <button type="button" class="btn btn-secondary" onClick={p.onClose}>
            {t('forward.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy} aria-describedby={error ? 'fwd-error' : undefined}>
            {busy ? t('forward.sending') : chosen.length ? `${t('forward.send')}（${chosen.length}）` : t('forward.send')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
