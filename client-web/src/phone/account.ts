// The person's own account inside the shell (我 → 账号与安全): password change and the
// second factor, over POST /api/v1/me/password and /me/totp/* (PROTOCOL.md 4.2). The
// server checks everything again; these checks only spare a round trip.

import type { LoginResponse, Me, Request, TotpSetup } from '../api';
import type { MessageKey } from '../i18n';
import { PASSWORD_MAX, PASSWORD_MIN } from '../state';

export type PasswordProblem = 'current' | 'mismatch' | 'length';

/** What is wrong with the form before it is sent, if anything. Lengths count characters. */
export function passwordProblem(current: string, next: string, confirm: string): PasswordProblem | undefined {
  if (!current) return 'current';
  const len = [...next].length;
  if (len < PASSWORD_MIN || len > PASSWORD_MAX) return 'length';
  if (next !== confirm) return 'mismatch';
  return undefined;
}

/** Changes the password; the answer carries the new session (the old ones are revoked). */
export function changeOwnPassword(request: Request, current: string, next: string): Promise<LoginResponse> {
  return request<LoginResponse>('POST', '/me/password', { current_password: current, new_password: next });
}

export function startTotp(request: Request): Promise<TotpSetup> {
  return request<TotpSetup>('POST', '/me/totp/setup');
}

/** Turns the second factor on and reads the account again (totp_enabled). */
export async function enableTotp(request: Request, code: string): Promise<Me> {
  await request<void>('POST', '/me/totp/enable', { code });
  return request<Me>('GET', '/me');
}

export async function disableTotp(request: Request, password: string, code: string): Promise<Me> {
  await request<void>('POST', '/me/totp/disable', { password, code });
  return request<Me>('GET', '/me');
}

/** A text that says more than the general one for an answer in this place; else undefined
 * (the general error text applies). */
export function accountErrorKey(code: string, action: 'password' | 'totp_enable' | 'totp_disable'): MessageKey | undefined {
  if (code === 'invalid_credentials') return 'account.wrong_current';
  if (action === 'totp_disable' && code === 'forbidden') return 'account.totp_must_keep';
  if (action !== 'password' && code === 'conflict') return 'account.totp_conflict';
  return undefined;
}
