// The wire types of notices (通知), mirroring protocol/notice.go (PROTOCOL.md §4.10 and
// the `notice` frame of §7.5). Times are RFC 3339 strings as the server sends them;
// optional fields are left out when empty, so treat absent as empty.

import type { Attachment, AttachmentRef } from '../files/types';
import type { PushOutcome, TallyPushCounts } from '../urgent/types';

export type NoticePriority = 'normal' | 'urgent';
export type NoticeStatus = 'active' | 'withdrawn';

export const MAX_NOTICE_TITLE = 100;
export const MAX_NOTICE_BODY = 10000;
export const MAX_NOTICE_REPLY = 200;
export const MAX_NOTICE_CHANGE_NOTE = 500;
export const MAX_NOTICE_REASON = 500;
export const MAX_AUDIENCE_ITEMS = 500;

export interface DepartmentTarget {
  id: number;
  /** With everyone in the departments below it too. */
  sub?: boolean;
}

export interface Audience {
  channels?: number[];
  departments?: DepartmentTarget[];
  party_orgs?: number[];
  users?: number[];
  /** 全单位: every active account (leaders only). */
  all?: boolean;
}

export interface PublishNoticeRequest {
  title: string;
  body: string;
  priority?: NoticePriority;
  /** 0 普通 or 1 内部 */
  secrecy?: number;
  deadline?: string;
  /** Absent means true. */
  needs_confirm?: boolean;
  audience: Audience;
  /** Files the author uploaded, keys posted for the context "notice" (src/files). */
  attachments?: AttachmentRef[];
  /** The author saw a dlp_warning and publishes anyway (§4.25). */
  dlp_ack?: boolean;
}

export interface ReviseNoticeRequest {
  title: string;
  body: string;
  change_note: string;
  priority?: NoticePriority;
  deadline?: string;
  clear_deadline?: boolean;
  dlp_ack?: boolean;
}

export interface WithdrawNoticeRequest {
  reason: string;
}

export interface NoticeReadRequest {
  revision: number;
  reply?: string;
}

export interface NoticeReceipt {
  delivered_at: string;
  seen_at?: string;
  seen_revision?: number;
  confirmed_at?: string;
  /** Below the notice's revision: confirmed an earlier revision, must confirm again. */
  confirmed_revision?: number;
  reply?: string;
}

export interface Notice {
  id: number;
  author_id: number;
  title: string;
  body: string;
  revision: number;
  change_note?: string;
  priority: NoticePriority | string;
  secrecy: number;
  deadline?: string;
  needs_confirm: boolean;
  status: NoticeStatus | string;
  withdrawn_at?: string;
  withdraw_reason?: string;
  /** Where it is pinned. */
  channels: number[] | null;
  /** The files the notice carries, for every recipient. */
  attachments?: Attachment[];
  recipients: number;
  created_at: string;
  revised_at?: string;
  /** The reader's own state; absent when the reader is not a recipient. */
  receipt?: NoticeReceipt;
  /** The reader must still confirm this revision (待确认). */
  pending: boolean;
  can_tally: boolean;
  can_manage: boolean;
  /** In lists, for the notices the reader wrote: how many confirmed this revision. */
  confirmed?: number;
  /** An urgent notice that broke through quiet hours (GET /notices/{id} only). */
  breakthrough?: boolean;
}

export interface NoticeUser {
  user_id: number;
  display_name: string;
  username: string;
}

export interface NoticeEscalation {
  notice_id: number;
  title: string;
  deadline: string;
  people: NoticeUser[];
  created_at: string;
}

export interface Notices {
  notices: Notice[] | null;
  has_more: boolean;
  escalations?: NoticeEscalation[] | null;
}

export interface NoticeRevision {
  revision: number;
  title: string;
  body: string;
  change_note?: string;
  created_at: string;
}

export interface NoticeRevisions {
  revisions: NoticeRevision[] | null;
}

export type TallyState = 'confirmed' | 'seen' | 'unseen';
export const TALLY_STATES: readonly TallyState[] = ['confirmed', 'seen', 'unseen'];

export interface TallyPerson extends NoticeUser {
  state: TallyState | string;
  seen_at?: string;
  confirmed_at?: string;
  confirmed_revision?: number;
  reply?: string;
  /** What the server did to alert them at publication (PushOutcome); absent until decided. */
  push?: PushOutcome | string;
}

export interface TallyDepartment {
  department_id: number;
  name: string;
  confirmed: number;
  seen: number;
  unseen: number;
  people: TallyPerson[] | null;
}

export interface NoticeTally {
  notice_id: number;
  revision: number;
  total: number;
  confirmed: number;
  seen: number;
  unseen: number;
  departments: TallyDepartment[] | null;
  reminded_at?: string;
  next_remind_at?: string;
  push_counts?: TallyPushCounts;
}

export interface RemindResult {
  reminded: number;
  next_remind_at: string;
}

export type NoticeEventName = 'published' | 'revised' | 'withdrawn' | 'receipt' | 'reminder' | 'escalation';

export interface NoticeEvent {
  notice_id: number;
  event: NoticeEventName | string;
  revision: number;
  title?: string;
  priority?: string;
}

export type NoticeBox = 'pending' | 'received' | 'sent';

/** The error codes of notices (409). */
export const STALE_REVISION = 'stale_revision';
export const NOTICE_WITHDRAWN = 'notice_withdrawn';
