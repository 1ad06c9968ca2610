// The group forms as plain data: the rules of PROTOCOL.md §4.9 checked before asking
// the server, the body of POST /channels, and the PATCH body of the settings with only
// what changed. Pure functions, no DOM.

import type { Channel } from '../chat/types';
import type { MessageKey } from '../i18n';

/** Limits of PROTOCOL.md §4.9 (characters are code points, as the server counts). */
export const MAX_NAME = 64;
export const MAX_TOPIC = 256;
export const MAX_MEMBERS = 2000;

export type Policy = 'everyone' | 'admins';

export interface GroupForm {
  name: string;
  topic: string;
  postAdminsOnly: boolean;
  mentionAll: Policy;
}

export interface SettingsForm extends GroupForm {
  includeSub: boolean;
}

export interface CreateGroupBody {
  name: string;
  topic?: string;
  members: number[];
  post_policy?: Policy;
  mention_all?: Policy;
}

export interface UpdateChannelBody {
  name?: string;
  topic?: string;
  post_policy?: Policy;
  mention_all?: Policy;
  archived?: boolean;
  include_sub_departments?: boolean;
}

/** A problem with one field: the text key and its parameters. */
export interface FieldProblem {
  key: MessageKey;
  params?: Record<string, number>;
}

export type FormField = 'name' | 'topic' | 'members';
export type FormProblems = Partial<Record<FormField, FieldProblem>>;

// C0 and C1 controls (Go's unicode.IsControl) and the direction overrides and isolates.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function length(s: string): number {
  return [...s].length;
}

export function checkName(name: string): FieldProblem | undefined {
  const n = name.trim();
  if (!n) return { key: 'groups.err_name_required' };
  if (length(n) > MAX_NAME) return { key: 'groups.err_name_long', params: { max: MAX_NAME } };
  if (FORBIDDEN.test(n)) return { key: 'groups.err_chars' };
  return undefined;
}

export function checkTopic(topic: string): FieldProblem | undefined {
  const v = topic.trim();
  if (length(v) > MAX_TOPIC) return { key: 'groups.err_topic_long', params: { max: MAX_TOPIC } };
  if (FORBIDDEN.test(v)) return { key: 'groups.err_chars' };
  return undefined;
}

function problems(entries: [FormField, FieldProblem | undefined][]): FormProblems {
  const out: FormProblems = {};
  for (const [f, p] of entries) if (p) out[f] = p;
  return out;
}

/** A group's name may be left empty: the server then names it from its members
 * (张静、李华、王建国…) and renames it as they change (PROTOCOL.md §4.9). */
export function checkGroupName(name: string): FieldProblem | undefined {
  return name.trim() ? checkName(name) : undefined;
}

export function checkCreate(form: GroupForm, memberCount: number): FormProblems {
  return problems([
    ['name', checkGroupName(form.name)],
    ['topic', checkTopic(form.topic)],
    ['members', memberCount > MAX_MEMBERS ? { key: 'groups.err_too_many', params: { max: MAX_MEMBERS, n: memberCount } } : undefined],
  ]);
}

/** The body of POST /channels: trimmed texts, defaults left out. */
export function createBody(form: GroupForm, members: readonly number[]): CreateGroupBody {
  const body: CreateGroupBody = { name: form.name.trim(), members: [...members] };
  const topic = form.topic.trim();
  if (topic) body.topic = topic;
  if (form.postAdminsOnly) body.post_policy = 'admins';
  if (form.mentionAll === 'admins') body.mention_all = 'admins';
  return body;
}

export function formFromChannel(c: Channel): SettingsForm {
  return {
    name: c.name,
    topic: c.topic ?? '',
    postAdminsOnly: c.post_policy === 'admins',
    mentionAll: c.mention_all === 'admins' ? 'admins' : 'everyone',
    includeSub: !!c.include_sub_departments,
  };
}

/** What an administrator may change in a channel of this kind. */
export function editable(kind: Channel['kind']): { name: boolean; policies: boolean; archive: boolean; includeSub: boolean } {
  return {
    name: kind === 'group',
    policies: kind !== 'direct',
    archive: kind === 'group',
    includeSub: kind === 'department',
  };
}

export function checkSettings(c: Channel, form: SettingsForm): FormProblems {
  return problems([
    ['name', editable(c.kind).name ? checkGroupName(form.name) : undefined],
    ['topic', checkTopic(form.topic)],
  ]);
}

/** The PATCH body: only the fields that changed and that this kind of channel takes.
 * Empty when there is nothing to save. */
export function settingsPatch(c: Channel, form: SettingsForm): UpdateChannelBody {
  const can = editable(c.kind);
  const before = formFromChannel(c);
  const body: UpdateChannelBody = {};
  if (!can.policies) return body;
  if (can.name && form.name.trim() !== before.name) body.name = form.name.trim();
  if (form.topic.trim() !== before.topic.trim()) body.topic = form.topic.trim();
  if (form.postAdminsOnly !== before.postAdminsOnly) body.post_policy = form.postAdminsOnly ? 'admins' : 'everyone';
  if (form.mentionAll !== before.mentionAll) body.mention_all = form.mentionAll;
  if (can.includeSub && form.includeSub !== before.includeSub) body.include_sub_departments = form.includeSub;
  return body;
}

export function isEmptyPatch(b: UpdateChannelBody): boolean {
  return Object.keys(b).length === 0;
}
