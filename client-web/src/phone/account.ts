// The person's own account inside the shell (我 → 账号与安全): password change and the
// second factor, over POST /api/v1/me/password and /me/totp/* (PROTOCOL.md 4.2). The
// server checks everything again; these checks only spare a round trip.

import type { LoginResponse, Me, Prelogin, Request, TotpSetup } from '../api';
import { deriveCredential, newCredential, wireCredential, type Credential } from '../e2e/credential';
import type { MessageKey } from '../i18n';
import { PASSWORD_MAX, PASSWORD_MIN } from '../login/policy';

export type PasswordProblem = 'current' | 'mismatch' | 'length';

/** What is wrong with the form before it is sent, if anything. Lengths count characters. */
export function passwordProblem(current: string, next: string, confirm: string): PasswordProblem | undefined {
  if (!current) return 'current';
  const len = [...next].length;
  if (len < PASSWORD_MIN || len > PASSWORD_MAX) return 'length';
  if (next !== confirm) return 'mismatch';
  return undefined;
}

/** What the keyring offers a password change (files/keyring-impl.ts). */
export interface ChangeKeyring {
  getState(): { status: string; held?: boolean };
  unlockWith(cred: Credential): Promise<void>;
  wrapFor(cred: Credential): Promise<{ wrapped_private: string; key_id: string } | undefined>;
  passwordChanged(cred: Credential, sent?: { wrapped_private: string; key_id: string }): void;
}

const prelogin = (request: Request, username: string) => request<Prelogin>('POST', '/auth/prelogin', { username });

/** The proof of the current password: its auth hash (or, a legacy account's session from
 * before its upgrade, the password itself, as the server still wants it), and its credential. */
async function currentProof(request: Request, username: string, password: string): Promise<{ proof: { current_auth_hash: string } | { current_password: string }; cred?: Credential }> {
  const p = await prelogin(request, username);
  if (p.legacy) return { proof: { current_password: password } };
  const cred = await deriveCredential(password, p);
  return { proof: { current_auth_hash: cred.authHash }, cred };
}

/**
 * Changes the password (PROTOCOL.md §4.3, issue 12): the current password's auth hash, a
 * new credential with a fresh salt, and — when this page holds the private key — the key
 * wrapped under the new password, in one request. The answer carries the new session (the
 * old ones are revoked). The password never leaves the page.
 */
export async function changeOwnPassword(request: Request, username: string, current: string, next: string, keyring?: ChangeKeyring): Promise<LoginResponse> {
  const { proof, cred: currentCred } = await currentProof(request, username, current);
  // Locked here after a reload (no device copy): the current password may open it now.
  if (keyring && currentCred && keyring.getState().status === 'locked' && !keyring.getState().held) await keyring.unlockWith(currentCred);
  const cred = await newCredential(next);
  const sent = keyring ? await keyring.wrapFor(cred) : undefined;
  const res = await request<LoginResponse>('POST', '/me/password', { ...proof, new: wireCredential(cred), ...(sent ?? {}) });
  keyring?.passwordChanged(cred, sent);
  return res;
}

export function startTotp(request: Request): Promise<TotpSetup> {
  return request<TotpSetup>('POST', '/me/totp/setup');
}

/** Turns the second factor on and reads the account again (totp_enabled). */
export async function enableTotp(request: Request, code: string): Promise<Me> {
  await request<void>('POST', '/me/totp/enable', { code });
  return request<Me>('GET', '/me');
}

export async function disableTotp(request: Request, username: string, password: string, code: string): Promise<Me> {
  const p = await prelogin(request, username);
  const proof = p.legacy ? { password } : { auth_hash: (await deriveCredential(password, p)).authHash };
  await request<void>('POST', '/me/totp/disable', { ...proof, code });
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
