import { MENTION_ALL_ZH } from '../../chat/compose';
import type { Pending } from '../../chat/outbox';
import { previewText } from '../../chat/text';
import type { Message } from '../../chat/types';
import { mentionsMe, personName, personTitle, type Names } from '../../chat/view';
import { describeError } from '../../errors';
import { formatDateTime, formatTime } from '../../format';
import { locale, t } from '../../i18n';
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { copyText, forwardable, menuItems, type MenuItem } from '../../forward/forward';
import { Avatar } from './Avatar';
import { ForwardBody } from './ForwardBody';
import { longPress, MessageMenu } from './MessageMenu';
import { RichText } from './RichText';
import { LevelTag } from '../secrecy/LevelTag';
import { useLadder } from '../../secrecy/context';
import { SystemLine } from './SystemLine';
import { AttachmentView } from '../files/AttachmentView';
import { previewOf } from '../../files/gallery';
import { ReadMark } from '../reads/ReadMark';
import { useReadersMenu } from '../reads/ReadsScope';
import { MessageReactions, ReactButton, type ReactionActions } from '../reactions/MessageReactions';
import { strictest, levelsOf } from '../../protect/rules';
import { menuForCopy, NO_COPY_CLASS } from '../../protect/nocopy';
import { useProtection } from '../protect/context';

export interface MessageActions {
  canEdit: (m: Message) => boolean;
  canRecall: (m: Message) => boolean;
  reply: (m: Message) => void;
  edit: (m: Message) => void;
  recall: (m: Message) => void;
  jumpTo: (seq: number) => void;
  /** 转发 one message; 多选 starting with it; the 多选 mode's state (forward/MessageMenu). */
  forward?: (m: Message) => void;
  select?: (m: Message) => void;
  selection?: { has: (seq: number) => boolean; toggle: (m: Message) => void };
  /** The message menu's open places for other features: items after 编辑 (查看已读 …),
   * and a row above the items (the reactions); `close` closes the menu. */
  menuExtra?: (m: Message) => MenuItem[];
  menuTop?: (m: Message, close: () => void) => ComponentChildren;
  /** 设为待办: opens the dialog for this message; absent: the menu leaves it out. */
  todo?: (m: Message) => void;
  /** Reactions (收到, 👍 …): chips under the message and the toolbar's 回应. */
  reactions?: ReactionActions;
}

interface Props {
  m: Message;
  compact: boolean;
  names: Names;
  meId: number;
  quoted?: Message;
  /** The replied-to message was deleted (retention): its quote says so. */
  quotedGone?: boolean;
  actions: MessageActions;
}

function mentionNames(m: { mentions?: number[]; mention_all?: boolean }, names: Names): string[] {
  const out = (m.mentions ?? []).map((id) => personName(id, names));
  if (m.mention_all) out.push(t('chat.mention_all'), MENTION_ALL_ZH);
  return out;
}

export function MessageItem({ m, compact, names, meId, quoted, quotedGone, actions }: Props) {
  const l = locale.get();
  const [menu, setMenu] = useState<{ x: number; y: number } | undefined>();
  const readersMenu = useReadersMenu();
  const ladder = useLadder();
  // Its secrecy level (and a forward's items'): no 复制, no selecting, copy refused.
  const protectLadder = useProtection()?.ladder;
  if (m.kind === 'system') return <SystemLine m={m} names={names} meId={meId} />;
  const name = personName(m.sender_id, names);
  if (m.recalled_at) {
    const byAdmin = m.recalled_by !== undefined && m.recalled_by !== m.sender_id;
    return (
      <div class="msg-system" data-seq={m.seq} role="note" tabIndex={-1}>
        {byAdmin ? t('chat.recalled_by_admin', { name }) : t('chat.recalled_by_self', { name })}
      </div>
    );
  }
  const title = personTitle(m.sender_id, names);
  const mine = m.sender_id === meId;
  const myName = names.people[meId]?.display_name ?? '';
  const highlighted = !mine && mentionsMe(m, meId);
  const sel = actions.selection;
  const selected = !!sel?.has(m.seq);
  const openMenu = (x: number, y: number) => {
    if (!sel) setMenu({ x, y });
  };
  const press = longPress(openMenu);
  const copyable = strictest(protectLadder, levelsOf(m)).copy;
  return (
    <article
      class={`msg${copyable ? '' : ` ${NO_COPY_CLASS}`}${compact ? ' msg-compact' : ''}${highlighted ? ' msg-mentioned' : ''}${mine ? ' msg-mine' : ''}${sel ? ' msg-selecting' : ''}${selected ? ' msg-selected' : ''}`}
      data-seq={m.seq}
      tabIndex={-1}
      aria-label={`${name} ${formatTime(m.created_at)}`}
      onContextMenu={(e) => {
        if (sel || (e.target as HTMLElement).closest('.msg-menu')) return;
        e.preventDefault();
        // The keyboard's menu key (or Shift+F10) has no pointer: open at the message.
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
        if (e.clientX === 0 && e.clientY === 0) openMenu(r.left + 48, r.top + 24);
        else openMenu(e.clientX, e.clientY);
      }}
      onClick={sel && forwardable(m, ladder) ? () => sel.toggle(m) : undefined}
      {...press}
    >
      {sel ? (
        <input
          type="checkbox"
          class="msg-select"
          checked={selected}
          disabled={!forwardable(m, ladder)}
          aria-label={t('forward.select_toggle')}
          onClick={(e) => e.stopPropagation()}
          onChange={() => sel.toggle(m)}
        />
      ) : null}
      {compact ? (
        <span class="msg-gutter" aria-hidden="true">
          <time dateTime={m.created_at}>{formatTime(m.created_at)}</time>
        </span>
      ) : (
        <Avatar id={m.sender_id} name={name} />
      )}
      <div class="msg-main">
        {compact ? null : (
          <header class="msg-head">
            <span class="msg-name">{name}</span>
            {title ? <span class="msg-title">{title}</span> : null}
            <time class="msg-time" dateTime={m.created_at} title={formatDateTime(m.created_at, l)}>
              {formatTime(m.created_at)}
            </time>
            <LevelTag level={m.secrecy} />
          </header>
        )}
        {m.reply_to ? <Quote seq={m.reply_to} quoted={quoted} gone={quotedGone} names={names} onJump={actions.jumpTo} /> : null}
        {/* A message grouped under the sender's previous one has no header: its level tag (内部, 秘密 …) goes before its text, never lost. */}
        {m.forward ? (
          <>
            {compact ? <LevelTag level={m.secrecy} class="msg-compact-tag" /> : null}
            <ForwardBody m={m} />
          </>
        ) : (
          <>
            {/* A file or picture, with the text as its caption below. */}
            {m.attachment ? <AttachmentView att={m.attachment} /> : null}
            {m.text || !m.attachment || m.edited_at || (compact && m.secrecy > 0) ? (
              <div class="msg-text" dir="auto">
                {compact ? <LevelTag level={m.secrecy} class="msg-compact-tag" /> : null}
                <RichText text={m.text} mentionNames={mentionNames(m, names)} myNames={[myName, t('chat.mention_all'), MENTION_ALL_ZH]} />
                {m.edited_at ? <span class="msg-edited">{t('chat.edited')}</span> : null}
              </div>
            ) : null}
          </>
        )}
        {/* The actions (shown on hover and focus, placed over the message) come first in tab order: 回复 is one Tab from the message. */}
        <div class="msg-actions" role="group" aria-label={t('chat.actions')}>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => actions.reply(m)}>
            {t('chat.reply')}
          </button>
          {actions.reactions ? <ReactButton m={m} meId={meId} r={actions.reactions} /> : null}
          {actions.canEdit(m) ? (
            <button type="button" class="btn btn-quiet btn-small" onClick={() => actions.edit(m)}>
              {t('chat.edit')}
            </button>
          ) : null}
          {actions.canRecall(m) ? (
            <button type="button" class="btn btn-quiet btn-small" onClick={() => actions.recall(m)}>
              {t('chat.recall')}
            </button>
          ) : null}
          {actions.forward ? (
            <button
              type="button"
              class="btn btn-quiet btn-small msg-more"
              aria-haspopup="menu"
              aria-expanded={!!menu}
              onClick={(e) => {
                const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
                openMenu(r.left, r.bottom);
              }}
            >
              {t('forward.more')}
            </button>
          ) : null}
        </div>
        {actions.reactions ? <MessageReactions m={m} names={names} meId={meId} r={actions.reactions} /> : null}
        {mine ? <ReadMark m={m} /> : null}
      </div>
      {menu ? (
        <MessageMenu
          x={menu.x}
          y={menu.y}
          onClose={() => setMenu(undefined)}
          top={actions.menuTop?.(m, () => setMenu(undefined))}
          items={menuForCopy(menuItems({
            m,
            locale: l,
            ladder,
            canEdit: actions.canEdit(m),
            canRecall: actions.canRecall(m),
            selecting: !!sel,
            copy: () => void navigator.clipboard?.writeText(copyText(m)).catch(() => undefined),
            reply: () => actions.reply(m),
            forward: () => actions.forward?.(m),
            select: () => actions.select?.(m),
            recall: () => actions.recall(m),
            edit: () => actions.edit(m),
            todo: actions.todo ? () => actions.todo!(m) : undefined,
          }, [...(actions.menuExtra?.(m) ?? []), ...readersMenu(m)]), copyable)}
        />
      ) : null}
    </article>
  );
}

function Quote({ seq, quoted, gone, names, onJump }: { seq: number; quoted?: Message; gone?: boolean; names: Names; onJump: (seq: number) => void }) {
  let text: string;
  if (!quoted && gone) text = t('secrecy.quote_deleted');
  else if (!quoted) text = t('chat.quote_missing');
  else if (quoted.recalled_at) text = t('chat.quote_recalled');
  else text = `${personName(quoted.sender_id, names)}: ${previewText(previewOf(quoted, locale.get()), 80)}`;
  return (
    <button type="button" class="msg-quote" onClick={() => onJump(seq)} disabled={!quoted || !!quoted.recalled_at}>
      <span dir="auto">{text}</span>
    </button>
  );
}

/** A message written here that the server has not acknowledged yet. */
export function PendingItem({ p, compact, names, meId, onRetry, onDiscard, onSendAnyway }: {
  p: Pending;
  compact: boolean;
  names: Names;
  meId: number;
  onRetry: () => void;
  onDiscard: () => void;
  /** A dlp_warning: send with dlp_ack. */
  onSendAnyway?: () => void;
}) {
  const l = locale.get();
  const name = personName(meId, names);
  let status: string;
  const dlp = p.status === 'failed' ? p.error?.code : undefined;
  if (dlp === 'dlp_warning' || dlp === 'dlp_blocked') status = describeError(p.error!, l);
  else if (p.status === 'failed') status = t('chat.pending_failed', { reason: p.error ? describeError(p.error, l) : '' });
  else if (p.status === 'sending') status = t('chat.pending_sending');
  else status = t('chat.pending_queued');
  return (
    <article class={`msg msg-mine msg-pending msg-${p.status}${compact ? ' msg-compact' : ''}`} data-client-id={p.clientId}>
      {compact ? <span class="msg-gutter" aria-hidden="true" /> : <Avatar id={meId} name={name} />}
      <div class="msg-main">
        {compact ? null : (
          <header class="msg-head">
            <span class="msg-name">{name}</span>
          </header>
        )}
        <div class="msg-text" dir="auto">
          {/* A file message waiting for its ack: its name is in the upload row above the composer. */}
          <RichText text={p.text || (p.attachment ? t('files.pending') : '')} mentionNames={mentionNames({ mentions: p.mentions, mention_all: p.mentionAll }, names)} myNames={[]} />
        </div>
        <p class="msg-status" role={p.status === 'failed' ? 'alert' : undefined}>
          {status}
          {p.status === 'failed' ? (
            <>
              {' '}
              {dlp === 'dlp_warning' && onSendAnyway ? (
                <button type="button" class="btn btn-quiet btn-small" onClick={onSendAnyway}>
                  {t('dlp.send_anyway')}
                </button>
              ) : dlp === 'dlp_blocked' ? null : (
                <button type="button" class="btn btn-quiet btn-small" onClick={onRetry}>
                  {t('chat.retry')}
                </button>
              )}
              <button type="button" class="btn btn-quiet btn-small" onClick={onDiscard}>
                {t('chat.discard')}
              </button>
            </>
          ) : null}
        </p>
      </div>
    </article>
  );
}
