import { useEffect, useRef, useState } from 'preact/hooks';
import { applyMention, charCount, MENTION_ALL_ZH, mentionQuery, mentionsIn, type ComposeProblem, type MentionPick } from '../../chat/compose';
import type { ChatStore } from '../../chat/store';
import { previewText } from '../../chat/text';
import { MAX_TEXT_CHARS, type Channel, type ChannelMember, type Message } from '../../chat/types';
import { personName, type Names } from '../../chat/view';
import { describeError, type UiError } from '../../errors';
import { notePushMoment } from '../../push/prompt';
import { locale, t, type MessageKey } from '../../i18n';
import { mentionAllAllowed } from '../../groups/lines';
import { EmojiPicker } from '../reactions/EmojiPicker';
import { useComposerFiles } from '../files/send/ComposerFiles';
import { defaultLevel, keptLevel, pickerLevels } from '../../secrecy/compose';
import { useLadder } from '../../secrecy/context';
import { levelName, levelOf, textOn } from '../../secrecy/ladder';
import '../secrecy/secrecy.css';

interface Props {
  chat: ChatStore;
  channel: Channel;
  members: readonly ChannelMember[];
  names: Names;
  meId: number;
  draft: string;
  reply?: Message;
  editing?: Message;
  onCancelReply: () => void;
  onDoneEditing: () => void;
  /** A message went into the outbox: the timeline shows the end, where it is. */
  onSent: () => void;
}

const PROBLEM_KEYS: Record<ComposeProblem, MessageKey> = { empty: 'chat.empty', too_long: 'chat.too_long', too_large: 'chat.too_large' };
const COUNTER_FROM = MAX_TEXT_CHARS - 500;
const MAX_SUGGESTIONS = 8;
const ALL = -1; // the @所有人 entry

interface Suggestion {
  id: number;
  name: string;
  detail: string;
}

export function Composer(p: Props) {
  const { channel, chat } = p;
  const editing = p.editing;
  const [text, setText] = useState(editing ? editing.text : p.draft);
  const [picks, setPicks] = useState<MentionPick[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [chosenLevel, setSecrecy] = useState(() => defaultLevel(channel));
  // A ceiling lowered meanwhile takes the choice down with it.
  const secrecy = keptLevel(chosenLevel, channel);
  const ladder = useLadder();
  const lvl = levelOf(ladder, secrecy);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  // Files and pictures (src/files): attach buttons, paste, the uploads above the text.
  const files = useComposerFiles({ channel, members: p.members, names: p.names, editing: !!editing, focusText: () => ref.current?.focus() });

  // Entering or leaving edit mode swaps the text; a reply just moves focus here. On
  // opening a channel, focus comes here only with a keyboard at hand: on a phone it
  // would throw the on-screen keyboard over the messages one came to read.
  const mounted = useRef(false);
  useEffect(() => {
    setText(editing ? editing.text : chat.getState().drafts[channel.id] ?? '');
    setPicks(editing ? (editing.mentions ?? []).map((id) => ({ userId: id, name: personName(id, p.names) })) : []);
    setProblem(undefined);
    if (mounted.current || matchMedia('(hover: hover) and (pointer: fine)').matches) ref.current?.focus();
    mounted.current = true;
  }, [editing?.seq]);
  useEffect(() => {
    if (p.reply) ref.current?.focus();
  }, [p.reply?.seq]);

  const mayMentionAll = mentionAllAllowed(channel);
  const q = dismissed ? undefined : mentionQuery(text, caret);
  const suggestions: Suggestion[] = [];
  // Where @所有人 is for administrators only, say so where it would have been offered.
  let allNote: string | undefined;
  if (q) {
    const needle = q.query.toLowerCase();
    const wantsAll = t('chat.mention_all').toLowerCase().includes(needle) || MENTION_ALL_ZH.includes(needle) || 'all'.startsWith(needle);
    if (mayMentionAll && wantsAll) {
      suggestions.push({ id: ALL, name: t('chat.mention_all'), detail: t('chat.mention_all_hint') });
    } else if (wantsAll && channel.kind !== 'direct') {
      allNote = t('mention_all.admins_only');
    }
    for (const m of p.members) {
      if (suggestions.length >= MAX_SUGGESTIONS) break;
      if (m.user_id === p.meId) continue;
      if (m.display_name.toLowerCase().includes(needle) || m.username.toLowerCase().includes(needle)) {
        suggestions.push({ id: m.user_id, name: m.display_name, detail: m.title ?? '' });
      }
    }
  }
  const open = suggestions.length > 0;
  const sel = Math.min(active, suggestions.length - 1);

  function update(value: string, pos: number) {
    setText(value);
    setCaret(pos);
    setProblem(undefined);
    setDismissed(false);
    setActive(0);
    if (!editing) chat.setDraft(channel.id, value);
  }

  function choose(s: Suggestion) {
    const next = applyMention(text, caret, s.name);
    if (s.id !== ALL) setPicks([...picks.filter((x) => x.userId !== s.id), { userId: s.id, name: s.name }]);
    update(next.text, next.caret);
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(next.caret, next.caret);
    });
  }

  async function submit() {
    if (busy) return;
    const mentions = mentionsIn(text, picks);
    const mentionAll = mayMentionAll && (text.includes('@' + t('chat.mention_all')) || text.includes('@' + MENTION_ALL_ZH));
    if (editing) {
      if (text === editing.text) {
        p.onDoneEditing();
        return;
      }
      const res = chat.edit(channel.id, editing.seq, text, mentions);
      if (typeof res === 'string') {
        setProblem(problemText(res, text));
        return;
      }
      setBusy(true);
      const e: UiError | undefined = await res;
      setBusy(false);
      if (e) setProblem(describeError(e, locale.get()));
      else p.onDoneEditing();
      return;
    }
    const res = chat.send(channel.id, text, { replyTo: p.reply?.seq, mentions, mentionAll, secrecy });
    if (res) {
      setProblem(problemText(res, text));
      return;
    }
    setText('');
    setPicks([]);
    setCaret(0);
    p.onCancelReply();
    p.onSent();
    notePushMoment(); // the first sent message is a good moment to offer pushes
    ref.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    // Never act on Enter while an input method is composing Chinese characters.
    if (e.isComposing || e.keyCode === 229) return;
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = suggestions.length;
        setActive((sel + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        choose(suggestions[sel]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(true);
        return;
      }
    }
    if (e.key === 'Escape') {
      if (editing) p.onDoneEditing();
      else if (p.reply) p.onCancelReply();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      void submit();
    }
  }

  const count = charCount(text);
  const listId = `mention-list-${channel.id}`;
  return (
    <form
      class={`composer${!editing && secrecy >= 2 ? ` composer-lvl composer-lvl-${secrecy}` : ''}`}
      style={!editing && secrecy >= 2 ? { '--lvl': lvl.color } : undefined}
      data-level={editing ? undefined : secrecy}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {files.top}
      {!editing && secrecy >= 2 ? (
        <p class="composer-lvl-note" role="status" style={{ background: lvl.color, color: textOn(lvl.color) }}>
          {t('secrecy.composing', { name: levelName(ladder, secrecy, locale.get()), days: lvl.retention_days })}
        </p>
      ) : null}
      {editing ? (
        <div class="composer-context">
          <span>{t('chat.editing')}</span>
          <button type="button" class="btn btn-quiet btn-small" onClick={p.onDoneEditing}>
            {t('chat.cancel_edit')}
          </button>
        </div>
      ) : p.reply ? (
        <div class="composer-context">
          <span class="composer-context-text" dir="auto">
            {t('chat.reply_to', { name: personName(p.reply.sender_id, p.names) })}: {previewText(p.reply.text, 40)}
          </span>
          <button type="button" class="btn btn-quiet btn-small" onClick={p.onCancelReply}>
            {t('chat.cancel_reply')}
          </button>
        </div>
      ) : null}
      {open || allNote ? (
        <ul class="mention-list" id={listId} role="listbox" aria-label={t('chat.mention_list')}>
          {allNote ? (
            <li class="mention-note" role="presentation" aria-live="polite">
              {allNote}
            </li>
          ) : null}
          {suggestions.map((s, i) => (
            <li
              key={s.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === sel}
              class={i === sel ? 'mention-option mention-option-active' : 'mention-option'}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(s);
              }}
            >
              <span class="mention-option-name">{s.name}</span>
              {s.detail ? <span class="mention-option-detail">{s.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <div class="composer-row">
        <EmojiPicker textarea={ref} id={`emoji-${channel.id}`} onInsert={(v, c) => update(v, c)} />
        {files.buttons}
        <label class="visually-hidden" for={`composer-${channel.id}`}>
          {t('chat.composer')}
        </label>
        <textarea
          id={`composer-${channel.id}`}
          ref={ref}
          class="composer-input"
          rows={2}
          value={text}
          placeholder={t('chat.composer_placeholder')}
          aria-describedby={`composer-problem-${channel.id}`}
          aria-invalid={problem ? true : undefined}
          role="combobox"
          aria-expanded={open}
          aria-controls={open ? listId : undefined}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${sel}` : undefined}
          onInput={(e) => {
            const el = e.target as HTMLTextAreaElement;
            update(el.value, el.selectionStart ?? el.value.length);
          }}
          onKeyDown={onKeyDown}
          onPaste={files.onPaste}
          onClick={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0)}
          onKeyUp={(e) => {
            if (e.key.startsWith('Arrow') && !open) setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0);
          }}
        />
        <div class="composer-side">
          {channel.max_secrecy > 0 && !editing ? (
            <select
              class="composer-secrecy"
              aria-label={t('chat.secrecy')}
              value={secrecy}
              onChange={(e) => setSecrecy(Number((e.target as HTMLSelectElement).value))}
            >
              {pickerLevels(channel).map((n) => (
                <option key={n} value={n}>
                  {levelName(ladder, n, locale.get())}
                </option>
              ))}
            </select>
          ) : null}
          <button type="submit" class="btn btn-primary composer-send" disabled={busy}>
            {editing ? t('chat.save_edit') : t('chat.send')}
          </button>
        </div>
      </div>
      <p id={`composer-problem-${channel.id}`} class={problem ? 'form-error composer-note' : 'muted composer-note'} role={problem ? 'alert' : undefined}>
        {problem ??
          (count > COUNTER_FROM
            ? count > MAX_TEXT_CHARS
              ? t('chat.too_long', { n: count })
              : t('chat.chars_left', { n: MAX_TEXT_CHARS - count })
            : <span class="composer-keys">{t('chat.composer_hint')}</span>)}
      </p>
    </form>
  );
}

function problemText(p: ComposeProblem, text: string): string {
  return t(PROBLEM_KEYS[p], { n: charCount(text) });
}
