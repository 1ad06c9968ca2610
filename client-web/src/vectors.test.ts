// The wire types against the server's: protocol/vectors_test.go writes each shared type,
// every field filled, to protocol/testdata/vectors/<Type>.json; here each file's keys,
// nested objects and array elements included, must be the keys of the TypeScript type.
// Each shape below `satisfies` its type, so tsc (npm run build) holds the shape to the
// type and this test holds it to the server: a field added on one side only fails.

import { describe, expect, it } from 'vitest';
import type { ImportRowError } from './admin/types';
import type { DlpHitsRequest, DlpRules } from './dlp/types';
import type { ChangePasswordBody, LoginResponse, Me, Prelogin, WireCredential } from './api';
import type {
  AccountRecoveryKey,
  AnswerKeyRecoveryRequest,
  ApproveKeyRecoveryRequest,
  CreateKeyRecoveryRequest,
  KeyRecoveries,
  KeyRecovery,
  KeyRecoveryEvent,
  RejectKeyRecoveryRequest,
  SetAccountRecoveryKeyRequest,
} from './recovery/types';
import type { ChannelReads, ReadMove, ReadPosition, ReadsData } from './reads/types';
import type { ChannelSecrecy, CreateHoldRequest, ExpiredData, LegalHold, SecrecyConfig, SecrecyLevel } from './secrecy/types';
import type {
  AckData,
  AwayData,
  Channel,
  ChannelEvent,
  ChannelMember,
  EditData,
  ErrorBody,
  ErrorData,
  HelloData,
  Message,
  Messages,
  MessagesAround,
  ReadData,
  RecallData,
  ResumePos,
  ResyncData,
  SendData,
  WelcomeData,
} from './chat/types';
import type { CreateTodoRequest, Todo, TodoEvent, TodoItem, Todos } from './todo/types';
import type { ForwardDelivery, ForwardRequest, ForwardResult, ForwardTarget } from './forward/types';
import type {
  Audience,
  DepartmentTarget,
  Notice,
  NoticeEscalation,
  NoticeEvent,
  NoticeReadRequest,
  NoticeReceipt,
  NoticeRevision,
  NoticeRevisions,
  Notices,
  NoticeTally,
  NoticeUser,
  PublishNoticeRequest,
  RemindResult,
  ReviseNoticeRequest,
  TallyDepartment,
  TallyPerson,
  WithdrawNoticeRequest,
} from './notices/types';
import type { NoticeAudienceRequest, NoticeAudienceSummary, TallyPushCounts } from './urgent/types';
import type {
  ChannelNotify,
  DutyList,
  DutySlot,
  LeaveRange,
  MyQuietResponse,
  OrgWorkSchedule,
  Period,
  Reachability,
  ReachabilityResponse,
  Span,
  WeekSchedule,
  WorkScheduleResponse,
  YearFile,
} from './quiet/types';
import type { ReactData, ReactionsData } from './reactions/types';
import type {
  Attachment,
  AttachmentRef,
  ChannelFile,
  ChannelFiles,
  CompleteUploadRequest,
  CreateUploadRequest,
  EscrowKey,
  EscrowOpen,
  EscrowOpenRequest,
  FileKey,
  FileKeys,
  KeyEvent,
  FileKeyRequest,
  FileKeyRequestResult,
  KeyRequestEvent,
  KeySharedEvent,
  MyKey,
  PostFileKeysRequest,
  PutMyKeyRequest,
  SetEscrowKeyRequest,
  Upload,
  UserKey,
  UserKeys,
} from './files/types';
import type { Info } from './api';

/** The keys of T: true for a plain value, the nested shape for an object, [shape] for an
 * array of objects. */
type Shape<T> = { [K in keyof T]-?: Field<NonNullable<T[K]>> };
type Field<V> = V extends readonly (infer E)[] ? (E extends object ? readonly [Shape<E>] : true) : V extends object ? Shape<V> : true;
type AnyShape = { readonly [key: string]: true | AnyShape | readonly [AnyShape] };

const message = {
  channel_id: true,
  seq: true,
  sender_id: true,
  client_id: true,
  text: true,
  reply_to: true,
  mentions: true,
  mention_all: true,
  secrecy: true,
  created_at: true,
  edited_at: true,
  recalled_at: true,
  recalled_by: true,
  kind: true,
  system: { event: true, actor_id: true, user_ids: true, name: true },
  forward: {
    merged: true,
    from_channel_id: true,
    from_channel_name: true,
    items: [{ sender_id: true, sender_name: true, seq: true, text: true, secrecy: true, created_at: true, attachment: { blob_id: true, size: true, commitment: true, thumb_blob_id: true, thumb_size: true } }],
  },
  reactions: [{ reaction: true, user_ids: true }],
  attachment: { blob_id: true, size: true, commitment: true, thumb_blob_id: true, thumb_size: true },
} as const satisfies Shape<Message>;

/** LoginRequest as one object: the web client sends one of its two forms (api.ts LoginBody). */
type LoginWire = { username: string; auth_hash?: string; password?: string; upgrade?: WireCredential; totp_code?: string };
const credential = { salt: true, iterations: true, auth_hash: true } as const satisfies Shape<WireCredential>;
const me = {
  id: true,
  username: true,
  display_name: true,
  title: true,
  position: true,
  role: true,
  departments: [{ id: true, name: true, path: true, primary: true }],
  party: { id: true, name: true, path: true, party_role: true },
  totp_enabled: true,
  must_change_password: true,
  totp_setup_required: true,
  key_state: true,
} as const satisfies Shape<Me>;
const keyRecovery = {
  id: true,
  user_id: true,
  method: true,
  state: true,
  key_id: true,
  ephemeral_public: true,
  created_at: true,
  expires_at: true,
  ip: true,
  user_agent: true,
  sealed: true,
  answered_by: true,
  answered_at: true,
  note: true,
  person: { id: true, username: true, display_name: true, departments: true },
  recovery_wrap: true,
  recovery_key_id: true,
} as const satisfies Shape<KeyRecovery>;
const importRow = { line: true, column: true, code: true, value: true, message: true } as const satisfies Shape<ImportRowError>;
const error = {
  code: true,
  message: true,
  request_id: true,
  retry_after: true,
  field: true,
  reason: true,
  rows: [importRow],
  rules: true,
} as const satisfies Shape<ErrorData>;

const receipt = {
  delivered_at: true,
  seen_at: true,
  seen_revision: true,
  confirmed_at: true,
  confirmed_revision: true,
  reply: true,
} as const satisfies Shape<NoticeReceipt>;

const notice = {
  id: true,
  author_id: true,
  title: true,
  body: true,
  revision: true,
  change_note: true,
  priority: true,
  secrecy: true,
  deadline: true,
  needs_confirm: true,
  status: true,
  withdrawn_at: true,
  withdraw_reason: true,
  channels: true,
  attachments: [{ blob_id: true, size: true, commitment: true, thumb_blob_id: true, thumb_size: true }],
  recipients: true,
  created_at: true,
  revised_at: true,
  receipt,
  pending: true,
  can_tally: true,
  can_manage: true,
  confirmed: true,
  breakthrough: true,
} as const satisfies Shape<Notice>;

const noticeUser = { user_id: true, display_name: true, username: true } as const satisfies Shape<NoticeUser>;
const escalation = { notice_id: true, title: true, deadline: true, people: [noticeUser], created_at: true } as const satisfies Shape<NoticeEscalation>;
const revision = { revision: true, title: true, body: true, change_note: true, created_at: true } as const satisfies Shape<NoticeRevision>;
const tallyPerson = {
  ...noticeUser,
  state: true,
  seen_at: true,
  confirmed_at: true,
  confirmed_revision: true,
  reply: true,
  push: true,
} as const satisfies Shape<TallyPerson>;
const tallyDepartment = {
  department_id: true,
  name: true,
  confirmed: true,
  seen: true,
  unseen: true,
  people: [tallyPerson],
} as const satisfies Shape<TallyDepartment>;
const departmentTarget = { id: true, sub: true } as const satisfies Shape<DepartmentTarget>;
const audience = { channels: true, departments: [departmentTarget], party_orgs: true, users: true, all: true } as const satisfies Shape<Audience>;
const pushCounts = {
  pushed: true,
  breakthrough: true,
  held: true,
  held_cap: true,
  connected: true,
  no_device: true,
  failed: true,
  undecided: true,
} as const satisfies Shape<TallyPushCounts>;

const span = { start: true, end: true } as const satisfies Shape<Span>;
const week = { mon: [span], tue: [span], wed: [span], thu: [span], fri: [span], sat: [span], sun: [span] } as const satisfies Shape<WeekSchedule>;
const period = { name: true, dates: true } as const satisfies Shape<Period>;
const yearFile = { year: true, source: true, holidays: [period], workdays: [period] } as const satisfies Shape<YearFile>;
const orgSchedule = { time_zone: true, week } as const satisfies Shape<OrgWorkSchedule>;
const dutySlot = {
  id: true,
  user_id: true,
  display_name: true,
  start: true,
  end: true,
  note: true,
  created_by: true,
  created_at: true,
} as const satisfies Shape<DutySlot>;
const reachability = { user_id: true, reachable: true, reason: true, next: true } as const satisfies Shape<Reachability>;
const leave = { from: true, to: true, note: true } as const satisfies Shape<LeaveRange>;
const resumePos = { channel_id: true, last_seq: true, epoch: true } as const satisfies Shape<ResumePos>;
const attachment = { blob_id: true, size: true, commitment: true, thumb_blob_id: true, thumb_size: true } as const satisfies Shape<Attachment>;
const fileKey = { blob_id: true, context: true, user_id: true, key_id: true, wrapped: true, wrapped_by: true } as const satisfies Shape<FileKey>;
const userKey = { user_id: true, key_id: true, public_key: true, created_at: true } as const satisfies Shape<UserKey>;
const channelFile = { attachment, seq: true, sender_id: true, created_at: true, secrecy: true } as const satisfies Shape<ChannelFile>;
const secrecyLevel = {
  level: true,
  name: true,
  name_en: true,
  color: true,
  retention_days: true,
  push_text: true,
  forward: true,
  download: true,
  copy: true,
  watermark: true,
  store: true,
} as const satisfies Shape<SecrecyLevel>;
const channelSecrecy = { channel_id: true, kind: true, name: true, members: true, max_secrecy: true, default_secrecy: true } as const satisfies Shape<ChannelSecrecy>;
const legalHold = {
  id: true,
  scope: true,
  target_id: true,
  target_name: true,
  from: true,
  to: true,
  reason: true,
  case_no: true,
  status: true,
  created_by: true,
  created_by_name: true,
  created_at: true,
  release_requested_by: true,
  release_requested_name: true,
  release_requested_at: true,
  release_note: true,
  released_by: true,
  released_by_name: true,
  released_at: true,
  countersign_note: true,
} as const satisfies Shape<LegalHold>;

/** Each vector file (named for its Go type) and the shape of its TypeScript type. */
const todoUser = { id: true, name: true } as const;
const todoItem = {
  kind: true,
  id: true,
  title: true,
  due: true,
  overdue: true,
  state: true,
  from_user: todoUser,
  link: true,
  created_at: true,
  channel_id: true,
  seq: true,
  assignee: todoUser,
  note: true,
  done_at: true,
  done_by: todoUser,
} satisfies Shape<TodoItem>;

const SHAPES: Record<string, AnyShape> = {
  // Frames.
  WelcomeData: { user_id: true, session_expires_at: true, heartbeat_ms: true, max_frame_bytes: true } satisfies Shape<WelcomeData>,
  AckData: { channel_id: true, seq: true, client_id: true, created_at: true, duplicate: true } satisfies Shape<AckData>,
  Message: message,
  ReadData: { channel_id: true, seq: true } satisfies Shape<ReadData>,
  ResyncData: { channel_id: true, reason: true, last_seq: true, epoch: true } satisfies Shape<ResyncData>,
  ChannelEvent: { channel_id: true, event: true, last_seq: true } satisfies Shape<ChannelEvent>,
  NoticeEvent: { notice_id: true, event: true, revision: true, title: true, priority: true } satisfies Shape<NoticeEvent>,
  SendData: { channel_id: true, client_id: true, text: true, reply_to: true, mentions: true, mention_all: true, secrecy: true, attachment: { blob_id: true, commitment: true, thumb_blob_id: true }, dlp_ack: true } satisfies Shape<SendData>,
  EditData: { channel_id: true, seq: true, text: true, mentions: true, dlp_ack: true } satisfies Shape<EditData>,
  RecallData: { channel_id: true, seq: true } satisfies Shape<RecallData>,
  AwayData: { away: true } satisfies Shape<AwayData>,
  HelloData: { resume: [resumePos] } satisfies Shape<HelloData>,
  ReactData: { channel_id: true, seq: true, reaction: true, on: true } satisfies Shape<ReactData>,
  ReactionsData: { channel_id: true, seq: true, rev: true, reactions: [{ reaction: true, user_ids: true }] } satisfies Shape<ReactionsData>,
  ErrorBody: { error } satisfies Shape<ErrorBody>,
  // Chat.
  Channel: {
    id: true,
    kind: true,
    name: true,
    topic: true,
    post_policy: true,
    mention_all: true,
    max_secrecy: true,
    default_secrecy: true,
    archived: true,
    last_seq: true,
    epoch: true,
    role: true,
    read_seq: true,
    unread: true,
    latest: message,
    peer_id: true,
    include_sub_departments: true,
    auto_name: true,
    notify: true,
  } satisfies Shape<Channel>,
  ChannelMember: { user_id: true, username: true, display_name: true, title: true, role: true } satisfies Shape<ChannelMember>,
  Messages: { messages: [message], has_more: true } satisfies Shape<Messages>,
  MessagesAround: { messages: [message], has_more_before: true, has_more_after: true } satisfies Shape<MessagesAround>,
  // Forwarding.
  ForwardRequest: {
    client_id: true,
    channel_id: true,
    seqs: true,
    merged: true,
    targets: [{ channel_id: true, user_id: true } satisfies Shape<ForwardTarget>],
    comment: true,
  } satisfies Shape<ForwardRequest>,
  ForwardResult: {
    results: [{ channel_id: true, seqs: true, comment_seq: true, created_at: true, duplicate: true } satisfies Shape<ForwardDelivery>],
  } satisfies Shape<ForwardResult>,
  // Read status.
  ChannelReads: {
    channel_id: true,
    last_seq: true,
    reads: [{ user_id: true, seq: true, joined_at: true } satisfies Shape<ReadPosition>],
  } satisfies Shape<ChannelReads>,
  ReadsData: { channel_id: true, moves: [{ user_id: true, seq: true } satisfies Shape<ReadMove>] } satisfies Shape<ReadsData>,
  // Notices.
  Notice: notice,
  Notices: { notices: [notice], has_more: true, escalations: [escalation] } satisfies Shape<Notices>,
  NoticeRevisions: { revisions: [revision] } satisfies Shape<NoticeRevisions>,
  NoticeTally: {
    notice_id: true,
    revision: true,
    total: true,
    confirmed: true,
    seen: true,
    unseen: true,
    departments: [tallyDepartment],
    reminded_at: true,
    next_remind_at: true,
    push_counts: pushCounts,
  } satisfies Shape<NoticeTally>,
  RemindResult: { reminded: true, next_remind_at: true } satisfies Shape<RemindResult>,
  PublishNoticeRequest: {
    title: true,
    body: true,
    priority: true,
    secrecy: true,
    deadline: true,
    needs_confirm: true,
    audience,
    attachments: [{ blob_id: true, commitment: true, thumb_blob_id: true }],
    dlp_ack: true,
  } satisfies Shape<PublishNoticeRequest>,
  ReviseNoticeRequest: { title: true, body: true, change_note: true, priority: true, deadline: true, clear_deadline: true, dlp_ack: true } satisfies Shape<ReviseNoticeRequest>,
  WithdrawNoticeRequest: { reason: true } satisfies Shape<WithdrawNoticeRequest>,
  NoticeReadRequest: { revision: true, reply: true } satisfies Shape<NoticeReadRequest>,
  NoticeAudienceRequest: { priority: true, audience } satisfies Shape<NoticeAudienceRequest>,
  NoticeAudienceSummary: { people: true, channels: true, off_duty: true, breakthrough: true, week_used: true, week_cap: true } satisfies Shape<NoticeAudienceSummary>,
  // Quiet hours.
  WorkScheduleResponse: { ...orgSchedule, year: true, calendar: yearFile, calendar_origin: true, years: true } satisfies Shape<WorkScheduleResponse>,
  CalendarYear: yearFile,
  DutyList: { slots: [dutySlot] } satisfies Shape<DutyList>,
  MyQuietResponse: { own_schedule: week, leave: [leave], push_when_idle: true, org: orgSchedule, status: reachability } satisfies Shape<MyQuietResponse>,
  ChannelNotify: { channel_id: true, level: true } satisfies Shape<ChannelNotify>,
  ReachabilityResponse: { at: true, time_zone: true, people: [reachability], unknown: true } satisfies Shape<ReachabilityResponse>,
  // Before login.
  Info: {
    org_name: true,
    version: true,
    default_locale: true,
    time_zone: true,
    recall_window_seconds: true,
    edit_window_seconds: true,
    reactions: true,
    max_file_size: true,
    part_size: true,
  } satisfies Shape<Info>,
  // Files, keys, escrow, 群文件 and the key frame.
  CreateUploadRequest: { size: true } satisfies Shape<CreateUploadRequest>,
  Upload: { id: true, size: true, part_size: true, parts: true, received: true, complete: true, expires_at: true } satisfies Shape<Upload>,
  CompleteUploadRequest: { sha256: true } satisfies Shape<CompleteUploadRequest>,
  Attachment: attachment,
  AttachmentRef: { blob_id: true, commitment: true, thumb_blob_id: true } satisfies Shape<AttachmentRef>,
  FileKey: fileKey,
  PostFileKeysRequest: { context: true, keys: [fileKey] } satisfies Shape<PostFileKeysRequest>,
  FileKeys: { keys: [fileKey] } satisfies Shape<FileKeys>,
  UserKey: userKey,
  UserKeys: { keys: [userKey] } satisfies Shape<UserKeys>,
  MyKey: { ...userKey, wrapped_private: true, kdf_salt: true, kdf_iterations: true, recovery_wrap: true, recovery_key_id: true } satisfies Shape<MyKey>,
  PutMyKeyRequest: { public_key: true, wrapped_private: true, kdf_salt: true, kdf_iterations: true, recovery_wrap: true, recovery_key_id: true } satisfies Shape<PutMyKeyRequest>,
  EscrowKey: { key_id: true, public_key: true, set_by: true, created_at: true } satisfies Shape<EscrowKey>,
  SetEscrowKeyRequest: { public_key: true } satisfies Shape<SetEscrowKeyRequest>,
  EscrowOpenRequest: { case_number: true, reason: true } satisfies Shape<EscrowOpenRequest>,
  EscrowOpen: { key: fileKey, attachment, channels: true } satisfies Shape<EscrowOpen>,
  ChannelFile: channelFile,
  ChannelFiles: { files: [channelFile], has_more: true } satisfies Shape<ChannelFiles>,
  KeyEvent: { user_id: true, key_id: true } satisfies Shape<KeyEvent>,
  FileKeyRequest: { context: true } satisfies Shape<FileKeyRequest>,
  FileKeyRequestResult: { passed_on: true } satisfies Shape<FileKeyRequestResult>,
  KeyRequestEvent: { blob_id: true, context: true, user_id: true, key_id: true } satisfies Shape<KeyRequestEvent>,
  KeySharedEvent: { blob_id: true, context: true, user_ids: true } satisfies Shape<KeySharedEvent>,
  // Secrecy levels, legal holds and the expired frame.
  SecrecyConfig: { levels: [secrecyLevel], updated_at: true, updated_by: true } satisfies Shape<SecrecyConfig>,
  PutSecrecyLevelsRequest: { levels: [secrecyLevel] } satisfies Shape<{ levels: SecrecyLevel[] }>,
  ChannelSecrecyList: { channels: [channelSecrecy] } satisfies Shape<{ channels: ChannelSecrecy[] }>,
  PutChannelSecrecyRequest: { max_secrecy: true, default_secrecy: true } satisfies Shape<Pick<ChannelSecrecy, 'max_secrecy' | 'default_secrecy'>>,
  HoldList: { holds: [legalHold] } satisfies Shape<{ holds: LegalHold[] }>,
  CreateHoldRequest: { scope: true, target_id: true, from: true, to: true, reason: true, case_no: true } satisfies Shape<CreateHoldRequest>,
  HoldReleaseRequest: { note: true } satisfies Shape<{ note: string }>,
  ExpiredData: { channel_id: true, seqs: true } satisfies Shape<ExpiredData>,
  DLPRules: {
    rules: [{ id: true, kind: true, name: true, keywords: true, pattern: true, actions: true }],
    updated_at: true,
    updated_by: true,
  } satisfies Shape<DlpRules>,
  DLPHitsRequest: { context: true, kind: true, level: true, rules: [{ id: true, count: true }], action_taken: true } satisfies Shape<DlpHitsRequest>,
  DLPHitsResponse: { action: true } satisfies Shape<{ action: string }>,
  // Login without the password and key recovery (issue 12).
  PreloginRequest: { username: true } satisfies Shape<{ username: string }>,
  PreloginResponse: { kdf: true, salt: true, iterations: true, legacy: true } satisfies Shape<Prelogin>,
  Credential: credential,
  LoginRequest: { username: true, auth_hash: true, password: true, upgrade: credential, totp_code: true } satisfies Shape<LoginWire>,
  LoginResponse: { user: me, token: true, expires_at: true } satisfies Shape<LoginResponse & { token: string }>,
  Me: me,
  ChangePasswordRequest: { current_auth_hash: true, current_password: true, new: credential, wrapped_private: true, key_id: true } satisfies Shape<ChangePasswordBody>,
  TOTPDisableRequest: { auth_hash: true, password: true, code: true } satisfies Shape<{ auth_hash?: string; password?: string; code: string }>,
  AccountRecoveryKey: { key_id: true, public_key: true, set_by: true, created_at: true } satisfies Shape<AccountRecoveryKey>,
  SetAccountRecoveryKeyRequest: { public_key: true } satisfies Shape<SetAccountRecoveryKeyRequest>,
  CreateKeyRecoveryRequest: { method: true, ephemeral_public: true } satisfies Shape<CreateKeyRecoveryRequest>,
  KeyRecovery: keyRecovery,
  KeyRecoveries: { recoveries: [keyRecovery] } satisfies Shape<KeyRecoveries>,
  AnswerKeyRecoveryRequest: { sealed: true } satisfies Shape<AnswerKeyRecoveryRequest>,
  ApproveKeyRecoveryRequest: { sealed: true, recovery_key_id: true, note: true } satisfies Shape<ApproveKeyRecoveryRequest>,
  RejectKeyRecoveryRequest: { note: true } satisfies Shape<RejectKeyRecoveryRequest>,
  KeyRecoveryEvent: { id: true, method: true, state: true, key_id: true, ephemeral_public: true, created_at: true, ip: true, user_agent: true } satisfies Shape<KeyRecoveryEvent>,
  // To-dos and the todo frame.
  TodoItem: todoItem,
  Todos: { items: [todoItem], truncated: true, unavailable: true } satisfies Shape<Todos>,
  Todo: { ...todoItem, assigner: todoUser, cancelled_at: true, history: [{ at: true, event: true, actor: todoUser }] } satisfies Shape<Todo>,
  TodoEvent: { todo_id: true, event: true, assignee_id: true, assigner_id: true, due: true } satisfies Shape<TodoEvent>,
  CreateTodoRequest: { channel_id: true, seq: true, assignee_id: true, due: true, note: true } satisfies Shape<CreateTodoRequest>,
};

const VECTORS = import.meta.glob<unknown>('../../protocol/testdata/vectors/*.json', { eager: true, import: 'default' });
const vectors = new Map(Object.entries(VECTORS).map(([path, v]) => [path.replace(/^.*\/|\.json$/g, ''), v]));

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Where the JSON and the shape disagree, as readable lines. */
function mismatches(json: unknown, shape: AnyShape, at: string): string[] {
  if (!isObject(json)) return [`${at}: the server sends ${JSON.stringify(json)}, the type has an object`];
  const out: string[] = [];
  for (const k of Object.keys(json)) if (!(k in shape)) out.push(`${at}.${k}: sent by the server, missing from the TypeScript type`);
  for (const [k, s] of Object.entries(shape)) {
    if (!(k in json)) out.push(`${at}.${k}: in the TypeScript type, never sent by the server`);
    else if (Array.isArray(s)) {
      const list = json[k];
      if (!Array.isArray(list) || list.length === 0) out.push(`${at}.${k}: the type has a list of objects, the vector no list to check`);
      else out.push(...mismatches(list[0], s[0] as AnyShape, `${at}.${k}[]`));
    } else if (s !== true) out.push(...mismatches(json[k], s as AnyShape, `${at}.${k}`));
  }
  return out;
}

describe('the wire types match protocol/testdata/vectors', () => {
  it('has a shape for every vector and a vector for every shape', () => {
    expect([...vectors.keys()].sort()).toEqual(Object.keys(SHAPES).sort());
  });

  it.each(Object.entries(SHAPES))('%s', (name, shape) => {
    expect(mismatches(vectors.get(name), shape, name)).toEqual([]);
  });

  it('notices a field the server sends that the type lacks, and one it never sends', () => {
    expect(mismatches({ a: 1, b: { c: 1 } }, { a: true, b: { d: true } }, 'X')).toEqual(['X.b.c: sent by the server, missing from the TypeScript type', 'X.b.d: in the TypeScript type, never sent by the server']);
    expect(mismatches({ a: [{ b: 1 }] }, { a: [{ b: true, c: true }] }, 'X')).toEqual(['X.a[].c: in the TypeScript type, never sent by the server']);
  });
});
