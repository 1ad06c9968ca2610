import type { ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Info, Request } from '../../api';
import type { ChatState, ChatStore } from '../../chat/store';
import { EMPTY_TIMELINE } from '../../chat/timeline';
import type { Message } from '../../chat/types';
import { channelTitle, timelineRows, type Names } from '../../chat/view';
import { describeError } from '../../errors';
import { locale, t } from '../../i18n';
import { OffDutyHint } from '../quiet/OffDutyHint';
import { Composer } from './Composer';
import { useForwarding } from './ForwardFlow';
import { MemberPanel } from './MemberPanel';
import { MuteToggle } from './MuteToggle';
import type { MessageActions } from './MessageItem';
import { Timeline } from './Timeline';
import { ReadsScope } from '../reads/ReadsScope';
import { QuickReactions, reactionActions } from '../reactions/MessageReactions';
import { useFilesSend } from '../files/send/context';
import { useFileDrop } from '../files/send/DropZone';
import { gatedIntake, intakeFiles } from '../../files/pick';
import { defaultLevel } from '../../secrecy/compose';
import { AttachmentScope } from '../files/scope';
import { FileList } from '../files/FileList';
import { picturesOf } from '../../files/gallery';
import { channelContext } from '../../files/types';
import { blobLevels, channelWatermark } from '../../protect/rules';
import { BlobLevelContext, useProtection, useWatermarkLines } from '../protect/context';
import { useWatermark, WatermarkNote } from '../protect/Watermark';
import { TodoContext } from '../todo/context';
import { TodoDialog } from '../todo/TodoDialog';

interface Props {
  s: ChatState;
  chat: ChatStore;
  id: number;
  meId: number;
  info?: Info;
  onBack: () => void;
  onMessage: (userId: number) => void;
  onSettings: () => void;
  /** The notices pinned in this channel, shown above its messages until confirmed. */
  pinned?: ComponentChildren;
  /** For the off-duty hint of a direct channel's other person. */
  request?: Request;
  /** More items for the message menu (the security officer's 复制文件编号). */
  menuExtra?: MessageActions['menuExtra'];
}

export function ChannelView({ s, chat, id, meId, info, onBack, onMessage, onSettings, pinned, request, menuExtra }: Props) {
  const l = locale.get();
  const c = s.channels.find((x) => x.id === id);
  const data = s.timelines[id] ?? EMPTY_TIMELINE;
  const error = s.timelineErrors[id];
  const members = s.members[id];
  const names: Names = { people: s.people, members };
  const [reply, setReply] = useState<Message | undefined>();
  const [editing, setEditing] = useState<Message | undefined>();
  const [showMembers, setShowMembers] = useState(false);
  const [showFiles, setShowFiles] = useState(false);
  const [atBottom, setAtBottom] = useState(true);
  const [sentTick, setSentTick] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const [said, setSaid] = useState<string | undefined>();
  // 设为待办: the message whose dialog is open.
  const todos = useContext(TodoContext);
  const [todoFor, setTodoFor] = useState<Message | undefined>();
  // The read position when the channel was opened: where "以下为新消息" goes.
  const dividerAfter = useRef<number | undefined>(undefined);
  if (dividerAfter.current === undefined && c) dividerAfter.current = c.unread > 0 ? c.read_seq : Number.MAX_SAFE_INTEGER;

  const pending = s.outbox.filter((p) => p.channelId === id);
  const rows = timelineRows(data.messages, pending, meId, dividerAfter.current, Date.now(), l);

  // Read what is on screen: at the bottom of a visible page.
  const markRead = useCallback(() => {
    if (atBottom && document.visibilityState === 'visible') chat.markRead(id);
  }, [atBottom, id, chat]);
  useEffect(markRead, [markRead, data.messages.length, c?.unread, c?.last_seq]);
  useEffect(() => {
    document.addEventListener('visibilitychange', markRead);
    addEventListener('focus', markRead);
    return () => {
      document.removeEventListener('visibilitychange', markRead);
      removeEventListener('focus', markRead);
    };
  }, [markRead]);

  const fwd = useForwarding({ s, id, meId, data, request });
  const recallWindow = (info?.recall_window_seconds ?? 120) * 1000;
  const editWindow = (info?.edit_window_seconds ?? 86400) * 1000;
  const actions: MessageActions = {
    canEdit: (m) => m.sender_id === meId && !m.recalled_at && !m.forward && Date.now() - Date.parse(m.created_at) < editWindow && !c?.archived,
    canRecall: (m) =>
      !m.recalled_at && (c?.role === 'admin' || (m.sender_id === meId && Date.now() - Date.parse(m.created_at) < recallWindow)),
    reply: (m) => {
      setEditing(undefined);
      setReply(m);
    },
    edit: (m) => {
      setReply(undefined);
      setEditing(m);
    },
    recall: (m) => {
      if (!confirm(t('chat.recall_confirm'))) return;
      setNotice(undefined);
      void chat.recall(id, m.seq).then((e) => {
        if (e) setNotice(describeError(e, locale.get()));
      });
    },
    jumpTo: () => undefined, // the timeline supplies it
    ...fwd.actions,
    reactions: reactionActions(chat, c, info?.reactions, setNotice),
    // The message menu's row of reactions (右键 / 长按), above its items.
    menuTop: (m, close) => <QuickReactions m={m} meId={meId} r={reactionActions(chat, c, info?.reactions, setNotice)} onDone={close} />,
    menuExtra,
    todo: todos ? (m) => setTodoFor(m) : undefined,
  };

  // Secrecy levels: the viewer's watermark over the whole view when the channel's ceiling
  // or a message on screen asks for it; each file protected at the highest level of the
  // loaded messages that carry it (one not loaded — 群文件 — at the channel's ceiling).
  const protection = useProtection();
  const levels = useMemo(() => blobLevels(data.messages), [data.messages]);
  const ceiling = c?.max_secrecy ?? 0;
  const levelOf = useCallback((blobId: string) => levels.get(blobId) ?? ceiling, [levels, ceiling]);
  const watermarked = !!c && channelWatermark(protection?.ladder, ceiling, data.messages);
  const sectionRef = useRef<HTMLElement>(null);
  useWatermark(sectionRef, useWatermarkLines(watermarked));

  const title = c ? channelTitle(c, s.people) : '';
  // Stable across renders: the hint asks the server again only when these change.
  const peerIds = useMemo(() => (c?.peer_id ? [c.peer_id] : []), [c?.peer_id]);
  const peerNames = useMemo(() => new Map(c?.peer_id ? [[c.peer_id, title]] : []), [c?.peer_id, title]);
  const membersLabel = members ? t('chat.members_count', { n: members.length }) : t('chat.members');
  const mayPost = c && !c.archived && (c.post_policy === 'everyone' || c.role === 'admin');
  // Files dropped anywhere on the channel go as the composer's would.
  const filesSend = useFilesSend();
  const drop = useFileDrop(!!(filesSend && filesSend.limit > 0 && mayPost && !fwd.selecting), title, filesSend?.limit ?? 0, (files, folders) => {
    if (filesSend) intakeFiles(gatedIntake(filesSend.fs.uploads, filesSend.fs.dlp, c ? defaultLevel(c) : 0), id, files, filesSend.limit, folders);
  });

  return (
    <BlobLevelContext.Provider value={levelOf}>
    <AttachmentScope context={channelContext(id)} gallery={() => picturesOf(data.messages)}>
    <section ref={sectionRef} class={`channel${showMembers ? ' channel-with-members' : ''}`} aria-labelledby="channel-title">
      <WatermarkNote on={watermarked} />
      <header class="channel-head">
        <button type="button" class="btn btn-quiet channel-back" onClick={onBack} aria-label={t('chat.back')}>
          <span class="channel-back-glyph" aria-hidden="true">‹</span>
          <span class="channel-back-text" aria-hidden="true">{t('phone.back')}</span>
        </button>
        <div class="channel-head-text">
          <h1 id="channel-title" class="channel-title">
            {title}
          </h1>
          {c?.topic ? <p class="channel-topic muted">{c.topic}</p> : null}
          {c?.kind === 'direct' && c.peer_id && request ? (
            <OffDutyHint request={request} userIds={peerIds} names={peerNames} />
          ) : null}
        </div>
        {c && request ? <MuteToggle request={request} chat={chat} channel={c} /> : null}
        <button
          type="button"
          class="btn btn-quiet btn-small"
          aria-expanded={showMembers}
          aria-label={membersLabel}
          onClick={() => {
            if (!showMembers) void chat.loadMembers(id);
            setShowMembers(!showMembers);
            setShowFiles(false);
          }}
        >
          {/* At phone width the short label leaves the channel's name room to show; the
              full one stays the button's name. */}
          <span class="label-full">{membersLabel}</span>
          <span class="label-short" aria-hidden="true">
            {t('chat.members')}
          </span>
        </button>
        {c && request ? (
          <button
            type="button"
            class="btn btn-quiet btn-small"
            aria-expanded={showFiles}
            aria-label={t('filesview.list_button')}
            onClick={() => {
              setShowFiles(!showFiles);
              setShowMembers(false);
            }}
          >
            <span class="label-full">{t('filesview.list_button')}</span>
            <span class="label-short" aria-hidden="true">
              {t('filesview.list_button_short')}
            </span>
          </button>
        ) : null}
        {c && c.kind !== 'direct' ? (
          <button type="button" class="btn btn-quiet btn-small" onClick={onSettings} aria-label={t('chat.settings')}>
            <span class="label-full">{t('chat.settings')}</span>
            <span class="label-short" aria-hidden="true">
              {t('chat.settings_short')}
            </span>
          </button>
        ) : null}
      </header>
      <div class="channel-body">
        <div class="channel-main" {...drop.handlers}>
          {drop.overlay}
          {pinned}
          {s.channelsLoaded && !c ? <p class="form-error timeline-note" role="alert">{t('chat.not_member')}</p> : null}
          {error ? (
            <p class="form-error timeline-note" role="alert">
              {t('chat.load_failed')} {describeError(error, l)}{' '}
              <button type="button" class="btn btn-quiet btn-small" onClick={() => chat.open(id)}>
                {t('app.retry')}
              </button>
            </p>
          ) : null}
          <ReadsScope channel={c} names={names} meId={meId}>
          <Timeline
            key={id}
            channelId={id}
            data={data}
            rows={rows}
            names={names}
            meId={meId}
            unread={c?.unread ?? 0}
            actions={actions}
            onLoadOlder={() => void chat.loadOlder(id)}
            onAtBottom={setAtBottom}
            onRetry={chat.retry}
            onDiscard={chat.discard}
            sentTick={sentTick}
            landing={s.landing?.channelId === id ? s.landing : undefined}
            onLoadNewer={() => void chat.loadNewer(id)}
            onJumpLatest={() => chat.jumpToLatest(id)}
          />
          </ReadsScope>
          {notice ? (
            <p class="form-error channel-notice" role="alert">
              {notice}{' '}
              <button type="button" class="btn btn-quiet btn-small" onClick={() => setNotice(undefined)}>
                {t('chat.dismiss')}
              </button>
            </p>
          ) : null}
          {said ? (
            <p class="muted channel-said" role="status">
              {said}{' '}
              <button type="button" class="btn btn-quiet btn-small" onClick={() => setSaid(undefined)}>
                {t('chat.dismiss')}
              </button>
            </p>
          ) : null}
          {todos && todoFor ? (
            <TodoDialog m={todoFor} meId={meId} members={members} onCreate={todos.create} onDone={setSaid} onClose={() => setTodoFor(undefined)} />
          ) : null}
          {fwd.bar}
          {fwd.dialog}
          {fwd.selecting ? null : c && mayPost ? (
            <Composer
              key={id}
              chat={chat}
              channel={c}
              members={members ?? []}
              names={names}
              meId={meId}
              draft={s.drafts[id] ?? ''}
              reply={reply}
              editing={editing}
              onCancelReply={() => setReply(undefined)}
              onDoneEditing={() => setEditing(undefined)}
              onSent={() => setSentTick((n) => n + 1)}
            />
          ) : c ? (
            <p class="composer-closed muted">{c.archived ? t('chat.archived') : t('chat.admins_only')}</p>
          ) : null}
        </div>
        {showMembers ? (
          <MemberPanel members={members} presence={s.presence} meId={meId} onClose={() => setShowMembers(false)} onMessage={onMessage} />
        ) : null}
        {showFiles && request ? <FileList request={request} channelId={id} names={names} onClose={() => setShowFiles(false)} /> : null}
      </div>
    </section>
    </AttachmentScope>
    </BlobLevelContext.Provider>
  );
}
