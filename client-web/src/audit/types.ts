// The wire types of the audit console (审计台), mirroring protocol/admin.go (AuditEvent),
// protocol/audit_console.go (investigations, alerts, the audit_alert frame: PROTOCOL.md
// §4.8, §4.24, §7.5) and
// protocol/audit.go (status, checkpoints, proofs, the signed bundle: §4.8, §6).
// Optional fields are left out by the server when empty; treat absent as empty.

/** One entry of the trail (GET /audit/events, a timeline, a file's events). */
export interface AuditEvent {
  id: number;
  at: string;
  actor_id?: number;
  actor_name?: string;
  /** The actor's role when the event was recorded (staff, leader, security, auditor, admin). */
  actor_role?: string;
  action: string;
  target_type?: string;
  target_id?: string;
  outcome: 'ok' | 'denied' | 'failed' | string;
  ip?: string;
  request_id?: string;
  /** A JSON object as a string: non-secret facts (never content). */
  detail?: string;
  hash: string;
  /** The secrecy level of the item the event is about, when it has one. */
  level?: number;
  /** The actor's primary department at the time. */
  department_id?: number;
  /** The person the entry is about (a target user, or the user_id its detail names). */
  subject_id?: number;
}

export interface AuditEvents {
  events: AuditEvent[];
  next_before_id?: number;
}

/** GET /audit/status: how far back the trail goes, and its latest signed checkpoint. */
export interface AuditStatus {
  events: number;
  oldest_id?: number;
  oldest_at?: string;
  newest_id?: number;
  newest_at?: string;
  retention_days: number;
  /** Entries the audit retention removed (their hashes stay in the log). */
  purged?: number;
  checkpoint?: AuditCheckpoint | null;
  /** The signed-note verifier key of the checkpoints, for the auditor to keep. */
  vkey?: string;
}

export interface AuditCheckpoint {
  size: number;
  at: string;
  /** The C2SP signed note, as kept by the auditor. */
  text: string;
}

/** A department or channel by id and name (AuditRef). */
export interface AuditRef {
  id: number;
  name: string;
}

/** A person as the console names them (AuditPerson): id 0 is the system or the server
 * console; department is their primary one now. */
export interface PersonRef {
  id: number;
  name: string;
  username?: string;
  department?: AuditRef;
}

/** GET /audit/people/{id}/timeline */
export interface PersonTimeline {
  person: PersonRef;
  events: AuditEvent[];
  next_before_id?: number;
}

export interface ChannelRef {
  id: number;
  name: string;
  kind: string;
}

/** GET /audit/files/{blob}/trace and /audit/messages/{channel}/{seq}/trace. */
export interface FileTrace {
  file: TraceFile;
  path: TraceHop[];
  notices?: TraceNotice[];
  recipients?: TraceRecipient[];
  events?: TraceEvent[];
  /** A list was cut (1,000 messages, notices, recipients; 2,000 events). */
  truncated?: boolean;
}

export interface TraceFile {
  blob_id: string;
  uploader: PersonRef;
  uploaded_at: string;
  size: number;
  level?: number;
  /** This blob is the thumbnail of that one. */
  thumb_of?: string;
}

/** One message that carried the file. */
export interface TraceHop {
  channel: ChannelRef;
  seq: number;
  sender: PersonRef;
  at: string;
  level?: number;
  forwarded_from?: { channel_id: number; seq: number } | null;
  recalled?: boolean;
}

export interface TraceNotice {
  id: number;
  author: PersonRef;
  published_at: string;
  level?: number;
}

/** Someone who held a wrap of the file's key (context channel:<id> or notice). */
export interface TraceRecipient {
  user: PersonRef;
  context: string;
  wrapped_at: string;
}

/** An audit event about the file, with its actor resolved; oldest first. */
export interface TraceEvent {
  id: number;
  at: string;
  action: string;
  outcome: string;
  actor: PersonRef;
  actor_role?: string;
  ip?: string;
  /** file.download: view or save. */
  purpose?: string;
  channel_id?: number;
  level?: number;
}

/** GET /audit/notices/{id}/readers */
export interface NoticeReader {
  user: PersonRef;
  /** The department the notice reached them through. */
  department?: AuditRef;
  delivered_at?: string;
  read_at?: string;
  confirmed_at?: string;
}

export interface NoticeReaders {
  notice_id: number;
  author: PersonRef;
  level: number;
  readers: NoticeReader[];
}

export type AlertKind = 'mass_download' | 'off_hours' | 'login_failures' | 'dlp_hit' | string;
export type AlertState = 'open' | 'acked';

/** GET /audit/alerts */
export interface AuditAlert {
  id: number;
  kind: AlertKind;
  at: string;
  actor?: PersonRef;
  ip?: string;
  count: number;
  /** The window counted over, in seconds (0 for a single event). */
  window: number;
  level?: number;
  /** The first (at most 20) events that raised it, oldest first. */
  event_ids?: number[];
  state: AlertState;
  acked_by?: PersonRef;
  acked_at?: string;
  note?: string;
}

export interface AuditAlerts {
  alerts: AuditAlert[];
  next_before_id?: number;
}
