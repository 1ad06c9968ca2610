// The wire types of collections (收集 / 接龙 / a unit's return), mirroring protocol/collect.go
// (PROTOCOL.md §4.21 and the `collection` frame). Times are RFC 3339 strings; optional
// fields are left out when empty.

import type { Attachment, AttachmentRef } from '../files/types';
import type { Audience } from '../notices/types';

export type CollectionKind = 'signup' | 'form';
export type CollectionPer = 'person' | 'department';
export type CollectionStatusName = 'open' | 'closed';
export type FieldType = 'text' | 'number' | 'date' | 'choice' | 'file' | 'table';
export const FIELD_TYPES: readonly FieldType[] = ['text', 'number', 'date', 'choice', 'file', 'table'];
/** The types a table's column may have: no table in a table, no file in a cell. */
export const COLUMN_TYPES: readonly FieldType[] = ['text', 'number', 'date', 'choice'];

export const MAX_FIELDS = 30;
export const MAX_TABLE_ROWS = 200;
export const MAX_COLUMNS = 20;
export const MAX_OPTIONS = 50;
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5000;
export const MAX_LABEL = 100;
export const MAX_OPTION = 100;
export const MAX_TEXT_VALUE = 2000;
/** A text cell of a table's row. */
export const MAX_CELL_TEXT = 500;
export const MAX_LINE = 200;
export const MAX_NOTE = 500;
/** Files in one file field: its value is one attachment. */
export const MAX_FIELD_FILES = 1;

export interface Field {
  /** A short key, unique within the form (within the table for a column). */
  id: string;
  label: string;
  type: FieldType;
  required?: boolean;
  /** choice */
  options?: string[];
  multiple?: boolean;
  /** table */
  columns?: Field[];
  max_rows?: number;
  /** file: the largest file in bytes (absent: the server's limit). */
  max_size?: number;
}

export type TableRow = Record<string, CellValue>;
export type CellValue = string | number | string[];
/** What a field's answer is on the wire: text and date (YYYY-MM-DD) are strings, a number a
 * JSON number, a single choice its option, a multiple one a list, a file field one
 * AttachmentRef (answered back as an Attachment, with its size), a table its rows. A
 * 接龙's one value is {"line": "…"}. */
export type FieldValue = string | number | string[] | AttachmentRef | Attachment | TableRow[];
export type Values = Record<string, FieldValue>;

export type MyState = 'todo' | 'submitted' | 'returned';
export type SubmissionState = 'submitted' | 'returned';

export interface Submission {
  collection_id: number;
  user_id: number;
  user_name: string;
  /** The writer's department; per department, the department answered for (0: none). */
  department_id: number;
  department_name: string;
  values: Values;
  state: SubmissionState | string;
  return_note?: string;
  submitted_at: string;
  updated_at: string;
  revision: number;
  /** A 接龙's line number: the place in order of first answer. */
  number?: number;
}

export interface Collection {
  id: number;
  author_id: number;
  author_name: string;
  kind: CollectionKind | string;
  title: string;
  description?: string;
  fields: Field[] | null;
  per: CollectionPer | string;
  audience: Audience;
  deadline?: string;
  status: CollectionStatusName | string;
  secrecy: number;
  created_at: string;
  closed_at?: string;
  counts: CollectionCounts;
  /** The reader's own part; absent when the reader is not asked (the author). */
  my?: { state: MyState | string; submission?: Submission };
  /** The author: return, close, remind. */
  can_manage: boolean;
  /** Every answer, the status and the export (the author, security officers, leaders above). */
  can_see_all: boolean;
}

/** People asked; answers expected (people, or departments per department); answers in each state. */
export interface CollectionCounts {
  recipients: number;
  units: number;
  submitted: number;
  returned: number;
}

export interface PublishCollectionRequest {
  kind: CollectionKind;
  title: string;
  description?: string;
  fields?: Field[];
  per: CollectionPer;
  audience: Audience;
  deadline?: string;
  secrecy?: number;
}

export interface SubmitRequest {
  values: Values;
}

export interface ReturnRequest {
  note: string;
}

export interface Collections {
  collections: Collection[] | null;
  has_more?: boolean;
}

export interface Submissions {
  submissions: Submission[] | null;
}

/** One person of the live status, with their unit's state. */
export interface StatusPerson {
  user_id: number;
  display_name: string;
  username?: string;
  state: MyState | string;
  updated_at?: string;
}

/** The people whose primary department is this one (0: none); counts count people. */
export interface StatusDepartment {
  department_id: number;
  name: string;
  submitted: number;
  returned: number;
  todo: number;
  people: StatusPerson[] | null;
}

/** GET …/status: who has and has not submitted, by department. */
export interface CollectionStatus {
  collection_id: number;
  counts: CollectionCounts;
  departments: StatusDepartment[] | null;
  reminded_at?: string;
  next_remind_at?: string;
}

export interface RemindResult {
  reminded: number;
  next_remind_at?: string;
}

export type HistoryAction = 'published' | 'submitted' | 'edited' | 'returned' | 'closed' | 'reminded' | 'escalated';

/** One step of the trace (GET …/history). */
export interface HistoryEntry {
  at: string;
  action: HistoryAction | string;
  /** 0: the server (an automatic reminder, the escalation). */
  actor_id?: number;
  actor_name?: string;
  /** Whose answer the step is about (submitted, edited, returned), and the department. */
  user_id?: number;
  department_id?: number;
  revision?: number;
  note?: string;
  /** reminded / escalated: how many people. */
  count?: number;
}

export interface CollectionHistory {
  entries: HistoryEntry[] | null;
}

export type CollectionEventName = 'published' | 'submitted' | 'returned' | 'closed' | 'reminder' | 'escalation';

/** The `collection` frame: something about a collection changed; fetch again. */
export interface CollectionEvent {
  collection_id: number;
  event: CollectionEventName | string;
  title?: string;
  user_id?: number;
}

/** The context file keys of a collection's answers are wrapped for. */
export function collectionContext(id: number): string {
  return `collection:${id}`;
}

/** The error codes a submission may meet (409 / 400). */
export const COLLECTION_CLOSED = 'collection_closed';
export const PAST_DEADLINE = 'past_deadline';
