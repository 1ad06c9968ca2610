// Forwarding (转发) and the message menu, without the DOM: who a forward goes to, the
// request, the words for a refusal, the selection of 多选 mode, and the menu's items.

import type { Request } from '../api';
import type { UiError } from '../errors';
import { translate, type Locale, type MessageKey } from '../i18n';
import type { Channel, Forward, Message } from '../chat/types';
import { previewOf } from '../files/gallery';
import { DEFAULT_LEVELS, levelName, levelRules } from '../secrecy/ladder';
import type { SecrecyLevel } from '../secrecy/types';
import { MAX_FORWARD_ITEMS, MAX_FORWARD_TARGETS, type ForwardRequest, type ForwardResult, type ForwardTarget } from './types';

/** A place chosen in the forward dialog: a channel, or a person (their direct channel). */
export type Choice = { kind: 'channel'; id: number; title: string } | { kind: 'person'; id: number; title: string };

export const choiceKey = (c: Choice) => `${c.kind}:${c.id}`;

/** Toggles a choice; at most MAX_FORWARD_TARGETS stay chosen (the next is refused: false). */
export function toggleChoice(chosen: readonly Choice[], c: Choice): { chosen: Choice[]; ok: boolean } {
  const key = choiceKey(c);
  if (chosen.some((x) => choiceKey(x) === key)) return { chosen: chosen.filter((x) => choiceKey(x) !== key), ok: true };
  if (chosen.length >= MAX_FORWARD_TARGETS) return { chosen: [...chosen], ok: false };
  return { chosen: [...chosen, c], ok: true };
}

/** The body of POST /forward. A person whose direct channel is already in the list is
 * sent as that channel, so a repeat is not asked for. */
export function forwardRequest(p: {
  clientId: string;
  channelId: number;
  seqs: readonly number[];
  merged: boolean;
  chosen: readonly Choice[];
  comment: string;
}): ForwardRequest {
  const targets: ForwardTarget[] = p.chosen.map((c) => (c.kind === 'channel' ? { channel_id: c.id } : { user_id: c.id }));
  const body: ForwardRequest = { client_id: p.clientId, channel_id: p.channelId, seqs: [...p.seqs].sort((a, b) => a - b), targets };
  if (p.merged && p.seqs.length > 1) body.merged = true;
  const comment = p.comment.trim();
  if (comment) body.comment = comment;
  return body;
}

export function sendForward(request: Request, body: ForwardRequest): Promise<ForwardResult> {
  return request<ForwardResult>('POST', '/forward', body);
}

/** A new idempotency id for one forward request (kept across its retries). */
export function newForwardId(now = Date.now(), rnd = Math.random): string {
  return `fw-${now.toString(36)}-${Math.floor(rnd() * 1e9).toString(36)}`;
}

/** The recent channels the dialog offers first: newest activity first, not archived. */
export function recentChannels(channels: readonly Channel[], limit = 12): Channel[] {
  const at = (c: Channel) => (c.latest ? Date.parse(c.latest.created_at) : 0);
  return channels.filter((c) => !c.archived).sort((a, b) => at(b) - at(a)).slice(0, limit);
}

/** What the dialog knows of levels for a refusal's words: the forward's level, the
 * ladder, and a chosen place's ceiling where it is known (a channel in the list). */
export interface ForwardLevels {
  level: number;
  ladder: readonly SecrecyLevel[];
  ceilingOf: (c: Choice) => number | undefined;
}

/** The words for a refused forward; a refusal about a target names it. */
export function forwardErrorText(e: UiError, chosen: readonly Choice[], locale: Locale, fallback: (e: UiError) => string, lv?: ForwardLevels): string {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const target = /^targets\[(\d+)\]$/.exec(e.field ?? '');
  const choice = target ? chosen[Number(target[1])] : undefined;
  const name = choice?.title;
  const ladder = lv?.ladder ?? DEFAULT_LEVELS;
  switch (e.code) {
    case 'secrecy_above_ceiling': {
      if (!lv) return tr('forward.err_secrecy', { name: name ?? '?' });
      const level = levelName(ladder, lv.level, locale);
      const max = choice ? lv.ceilingOf(choice) : undefined;
      // 「财务科」最高只允许「内部」，不能转发「敏感」消息。
      if (max !== undefined && max < lv.level) return tr('secrecy.err_ceiling', { name: name ?? '?', max: levelName(ladder, max, locale), level });
      return tr('secrecy.err_ceiling_unknown', { name: name ?? '?', level });
    }
    case 'forward_not_allowed': {
      const item = /^seqs\[(\d+)\]$/.exec(e.field ?? '');
      const level = lv?.level ?? (ladder.find((x) => !x.forward)?.level ?? 3);
      return tr(item ? 'secrecy.err_forward_item' : 'secrecy.err_forward', { level: levelName(ladder, level, locale), n: item ? Number(item[1]) + 1 : 0 });
    }
    case 'message_recalled':
      return tr('forward.err_recalled');
    case 'not_member':
      return name ? tr('forward.err_target_not_member', { name }) : tr('forward.err_source_not_member');
    case 'forbidden':
      return name ? tr('forward.err_target_forbidden', { name }) : fallback(e);
    case 'bad_request':
      if (name) return tr('forward.err_target_invalid', { name });
      if (e.field?.startsWith('seqs')) return tr('forward.err_seqs');
      if (e.field === 'targets') return tr('forward.err_too_many_messages');
      if (e.field === 'comment') return tr('forward.err_comment');
      return fallback(e);
  }
  return fallback(e);
}

/** 多选: the chosen seqs of one channel. */
export interface Selection {
  channelId: number;
  seqs: number[];
}

export function toggleSeq(s: Selection, seq: number): { selection: Selection; ok: boolean } {
  if (s.seqs.includes(seq)) return { selection: { ...s, seqs: s.seqs.filter((x) => x !== seq) }, ok: true };
  if (s.seqs.length >= MAX_FORWARD_ITEMS) return { selection: s, ok: false };
  return { selection: { ...s, seqs: [...s.seqs, seq].sort((a, b) => a - b) }, ok: true };
}

/** Whether a message can be forwarded (or chosen in 多选): a person's live message whose
 * level allows forwarding (the ladder's `forward` rule: not 秘密 by default). */
export function forwardable(m: Message, ladder: readonly SecrecyLevel[] = DEFAULT_LEVELS): boolean {
  return !m.recalled_at && m.kind !== 'system' && levelRules(ladder, m.secrecy).forward;
}

/** What a copied message is: its text, or a forward's lines. */
export function copyText(m: Message): string {
  const f = m.forward;
  if (!f) return m.text;
  if (!f.merged) return f.items[0]?.text ?? m.text;
  return f.items.map((it) => `${it.sender_name}：${it.text}`).join('\n');
}

/** A merged record's title: 预算股的聊天记录 / Chat history of 预算股. */
export function recordTitle(f: Forward, locale: Locale): string {
  return translate(locale, 'forward.record_title', { name: f.from_channel_name });
}

/** The first lines a merged record's card shows: a file sent without a caption is
 * [图片] / [文件] (its name is encrypted: the card does not decrypt it). */
export function recordPreview(f: Forward, locale: Locale, lines = 3): { name: string; text: string }[] {
  return f.items.slice(0, lines).map((it) => ({ name: it.sender_name, text: previewOf(it, locale).replace(/\s+/g, ' ').slice(0, 60) }));
}

/** One entry of the message menu. Other features add theirs through `extra` below. */
export interface MenuItem {
  id: string;
  label: string;
  /** Shown but not choosable. */
  disabled?: boolean;
  /** A note beside a disabled item. */
  note?: string;
  run?: () => void;
}

export interface MenuContext {
  m: Message;
  locale: Locale;
  canEdit: boolean;
  canRecall: boolean;
  selecting: boolean;
  copy: () => void;
  reply: () => void;
  forward: () => void;
  select: () => void;
  recall: () => void;
  edit: () => void;
  /** The ladder in use (its `forward` rule hides 转发 and 多选); the default one if absent. */
  ladder?: readonly SecrecyLevel[];
  /** 设为待办 (the 待办 feature); absent: not offered. */
  todo?: () => void;
}

/** The items of a message's menu: 复制, 回复, 转发, 多选, 撤回 and 编辑 while allowed,
 * then `extra` — the place for other features' items (查看已读 …), which the channel
 * supplies through MessageActions.menuExtra — then 设为待办 on a person's message. */
export function menuItems(ctx: MenuContext, extra: readonly MenuItem[] = []): MenuItem[] {
  const tr = (k: MessageKey) => translate(ctx.locale, k);
  const { m } = ctx;
  if (m.recalled_at) return [];
  const items: MenuItem[] = [{ id: 'copy', label: tr('forward.menu_copy'), run: ctx.copy }];
  if (m.kind !== 'system') {
    items.push({ id: 'reply', label: tr('forward.menu_reply'), run: ctx.reply });
    // A level that may not be forwarded offers neither 转发 nor 多选 starting with it.
    if (forwardable(m, ctx.ladder)) {
      items.push({ id: 'forward', label: tr('forward.menu_forward'), run: ctx.forward });
      if (!ctx.selecting) items.push({ id: 'select', label: tr('forward.menu_select'), run: ctx.select });
    }
  }
  if (ctx.canRecall) items.push({ id: 'recall', label: tr('forward.menu_recall'), run: ctx.recall });
  if (ctx.canEdit && !m.forward) items.push({ id: 'edit', label: tr('forward.menu_edit'), run: ctx.edit });
  items.push(...extra);
  if (ctx.todo && m.kind !== 'system') items.push({ id: 'todo', label: tr('forward.menu_todo'), run: ctx.todo });
  return items;
}
