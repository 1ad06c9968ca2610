// The wire types of chat, mirroring protocol/chat.go and protocol/ws.go (PROTOCOL.md §4.9
// and §7). Times are RFC 3339 strings as the server sends them. src/vectors.test.ts checks
// them against protocol/testdata/vectors.

import type { ImportRowError } from '../admin/types';
import type { Attachment, AttachmentRef } from '../files/types';

export type ChannelKind = 'department' | 'party' | 'group' | 'direct';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['department', 'party', 'group', 'direct'];

export interface Message {
  channel_id: number;
  seq: number;
  sender_id: number;
  client_id?: string;
  text: string;
  reply_to?: number;
  mentions?: number[];
  mention_all?: boolean;
  secrecy: number;
  created_at: string;
  edited_at?: string;
  recalled_at?: string;
  recalled_by?: number;
  /** 'system' for a line the server wrote; `system` then says what happened. */
  kind?: 'system';
  system?: SystemEvent;
  /** A forwarded message (转发) or merged record (合并转发). */
  forward?: Forward;
  /** Who reacted with what, in the order of the server's allowed set. */
  reactions?: Reaction[];
  /** The file or picture the message carries (end-to-end encrypted; see src/files). */
  attachment?: Attachment;
}

export type SystemEventKind = 'group_created' | 'renamed' | 'members_added' | 'member_left' | 'member_removed';

export interface SystemEvent {
  event: SystemEventKind;
  actor_id: number;
  user_ids?: number[];
  name?: string;
}

export interface Forward {
  merged?: boolean;
  from_channel_id: number;
  from_channel_name: string;
  items: ForwardItem[];
}

export interface ForwardItem {
  sender_id: number;
  sender_name: string;
  seq: number;
  text: string;
  secrecy: number;
  created_at: string;
  /** A forwarded file; the forwarder re-wrapped its keys for the target channel. */
  attachment?: Attachment;
}

export interface Reaction {
  reaction: string;
  user_ids: number[];
}

export interface Channel {
  id: number;
  kind: ChannelKind;
  name: string;
  topic?: string;
  post_policy: 'everyone' | 'admins';
  mention_all: 'everyone' | 'admins';
  max_secrecy: number;
  /** The level a new message here starts at (≤ max_secrecy); set by the security officer. */
  default_secrecy?: number;
  archived?: boolean;
  last_seq: number;
  epoch: number;
  role: 'member' | 'admin';
  read_seq: number;
  unread: number;
  latest?: Message;
  peer_id?: number;
  include_sub_departments?: boolean;
  /** A group nobody named: `name` is made from its members by the server and follows them. */
  auto_name?: boolean;
  /** Your notification level here (GET /channels only): 全部 / 仅@我 / 关闭. */
  notify?: 'all' | 'mentions' | 'none';
}

export interface ChannelMember {
  user_id: number;
  username: string;
  display_name: string;
  title?: string;
  role: 'member' | 'admin';
}

export interface Person {
  id: number;
  username: string;
  display_name: string;
  title?: string;
  position?: string;
  /** Kept for the signed-in person only: the last digits go into the viewer's watermark. */
  phone?: string;
}

export interface Messages {
  messages: Message[];
  has_more: boolean;
}

/** GET …/messages?around=SEQ: both sides of one message (PROTOCOL.md). */
export interface MessagesAround {
  messages: Message[];
  has_more_before: boolean;
  has_more_after: boolean;
}

// ---- WebSocket frames ----

export const PROTOCOL_VERSION = 1;
export const MAX_TEXT_CHARS = 5000;
export const MAX_FRAME_BYTES = 16 << 10;

export interface Frame {
  v: number;
  type: string;
  ref?: string;
  data?: unknown;
}

export interface ResumePos {
  channel_id: number;
  last_seq: number;
  epoch?: number;
}

export interface HelloData {
  resume?: ResumePos[];
}

export interface WelcomeData {
  user_id: number;
  session_expires_at: string;
  heartbeat_ms: number;
  max_frame_bytes: number;
}

export interface SendData {
  channel_id: number;
  client_id: string;
  text: string;
  reply_to?: number;
  mentions?: number[];
  mention_all?: boolean;
  secrecy?: number;
  /** A file or picture the sender uploaded; its keys are posted first (src/files). */
  attachment?: AttachmentRef;
  /** The sender saw a dlp_warning for this text and sends it anyway (§4.25). */
  dlp_ack?: boolean;
}

export interface AckData {
  channel_id: number;
  seq: number;
  client_id?: string;
  created_at?: string;
  duplicate?: boolean;
}

export interface EditData {
  channel_id: number;
  seq: number;
  text: string;
  mentions?: number[];
  /** As in SendData, for the edited text. */
  dlp_ack?: boolean;
}

export interface RecallData {
  channel_id: number;
  seq: number;
}

export interface ReadData {
  channel_id: number;
  seq: number;
}

/** Client → server `away` (and its ack): this connection is idle, or active again. */
export interface AwayData {
  away: boolean;
}

export interface ResyncData {
  channel_id: number;
  reason: string;
  last_seq: number;
  epoch: number;
}

export interface ChannelEvent {
  channel_id: number;
  event: 'joined' | 'left' | 'updated';
  /** joined only: the channel's last seq when you joined; every later message reaches this connection (§7.5). */
  last_seq?: number;
}

/** The error of an error frame, and of a REST answer inside ErrorBody (PROTOCOL.md §2). */
export interface ErrorData {
  code: string;
  message?: string;
  request_id?: string;
  retry_after?: number;
  field?: string;
  reason?: string;
  /** import_invalid: the rejected rows of a CSV import. */
  rows?: ImportRowError[];
  /** dlp_blocked, dlp_warning: the ids of the rules behind it (§4.25). */
  rules?: string[];
}

export interface ErrorBody {
  error: ErrorData;
}

/** Close codes of PROTOCOL.md §7.8. */
export const CLOSE_UNAUTHENTICATED = 4001;
