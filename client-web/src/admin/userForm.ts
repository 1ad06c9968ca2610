// The person form: the server's field rules (PROTOCOL.md 4.5) checked before sending,
// and the request bodies built from what was typed.

import type { CreateUserRequest, UpdateUserRequest, User } from './types';

export interface UserFormValues {
  username: string;
  display_name: string;
  title: string;
  position: string;
  phone: string;
  email: string;
  role: string;
  disabled: boolean;
}

export type UserField = 'username' | 'display_name' | 'title' | 'position' | 'phone' | 'email' | 'role';

/** Why a field is refused before asking the server. */
export type FieldProblem =
  | { kind: 'required' }
  | { kind: 'too_long'; max: number }
  | { kind: 'invalid_username' }
  | { kind: 'invalid_email' }
  | { kind: 'control_characters' };

export type FormProblems = Partial<Record<UserField, FieldProblem>>;

export const LIMITS = { display_name: 32, title: 64, position: 64, phone: 32, email: 254 } as const;
export const USERNAME_MAX = 32;

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
// Control characters and bidirectional overrides (U+202A–U+202E, U+2066–U+2069).
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Lower-cased and trimmed, as the server stores it. */
export function normaliseUsername(s: string): string {
  return s.trim().toLowerCase();
}

const chars = (s: string) => [...s].length;

export function emptyForm(): UserFormValues {
  return { username: '', display_name: '', title: '', position: '', phone: '', email: '', role: 'staff', disabled: false };
}

export function formFromUser(u: User): UserFormValues {
  return {
    username: u.username,
    display_name: u.display_name,
    title: u.title ?? '',
    position: u.position ?? '',
    phone: u.phone ?? '',
    email: u.email ?? '',
    role: u.role,
    disabled: !!u.disabled,
  };
}

/** Problems the server would refuse with bad_request; empty when none. */
export function validateUser(v: UserFormValues, creating: boolean): FormProblems {
  const out: FormProblems = {};
  if (creating) {
    const name = normaliseUsername(v.username);
    if (!name) out.username = { kind: 'required' };
    else if (!USERNAME.test(name)) out.username = { kind: 'invalid_username' };
  }
  const name = v.display_name.trim();
  if (!name) out.display_name = { kind: 'required' };
  for (const f of ['display_name', 'title', 'position', 'phone', 'email'] as const) {
    if (out[f]) continue;
    const s = v[f].trim();
    if (FORBIDDEN.test(s)) out[f] = { kind: 'control_characters' };
    else if (chars(s) > LIMITS[f]) out[f] = { kind: 'too_long', max: LIMITS[f] };
  }
  const email = v.email.trim();
  if (!out.email && email && !/^[^\s@]+@[^\s@]+$/.test(email)) out.email = { kind: 'invalid_email' };
  return out;
}

export function hasProblems(p: FormProblems): boolean {
  return Object.keys(p).length > 0;
}

/** The body of POST /admin/users: optional fields only when filled. No password, so the
 * server makes a one-time one. */
export function createBody(v: UserFormValues): CreateUserRequest {
  const body: CreateUserRequest = { username: normaliseUsername(v.username), display_name: v.display_name.trim() };
  for (const f of ['title', 'position', 'phone', 'email'] as const) {
    const s = v[f].trim();
    if (s) body[f] = s;
  }
  if (v.role && v.role !== 'staff') body.role = v.role;
  return body;
}

/** The body of PATCH /admin/users/{id}: only what changed ("" clears a field). */
export function patchBody(before: User, v: UserFormValues): UpdateUserRequest {
  const was = formFromUser(before);
  const body: UpdateUserRequest = {};
  for (const f of ['display_name', 'title', 'position', 'phone', 'email'] as const) {
    const s = v[f].trim();
    if (s !== was[f]) body[f] = s;
  }
  if (v.role !== was.role) body.role = v.role;
  if (v.disabled !== was.disabled) body.disabled = v.disabled;
  return body;
}

/** Maps a server `field` to a field of this form, if it is one. */
export function formField(field: string | undefined): UserField | undefined {
  const known: readonly string[] = ['username', 'display_name', 'title', 'position', 'phone', 'email', 'role'];
  return field && known.includes(field) ? (field as UserField) : undefined;
}
