// The login's derivation (PROTOCOL.md §4.2, E2E.md §4.1; issue 12): prelogin names the
// account's salt and iteration count, ONE PBKDF2 in WebCrypto gives the auth hash (sent)
// and the wrap key (kept in this page for the key unlock). The password itself is sent
// only once ever, by a legacy account's login, which carries the new credential to store
// in its place (`upgrade`); from then on the server holds argon2id(auth hash) alone.

import type { LoginBody, Prelogin } from '../api';
import { deriveCredential, newCredential, wireCredential, type Credential } from '../e2e/credential';

/** What the login hands on to the key unlock, only in memory, only until it is used. */
export interface KeySecret {
  /** The account's credential: its wrap key opens (and makes) the private key's wrap. */
  cred: Credential;
  /** A legacy account's password at the upgrade login: the old wrap was made under its
   * own salt, so it is opened once with the password, then wrapped under `cred`. */
  legacyPassword?: string;
}

export interface Prepared {
  body: LoginBody;
  secret: KeySecret;
}

/** The login body for a password, and the secret the keyring unlocks with. */
export async function prepareLogin(prelogin: (username: string) => Promise<Prelogin>, username: string, password: string): Promise<Prepared> {
  const p = await prelogin(username);
  if (p.legacy) {
    // A fresh salt for the account from now on; the server checks the password one last
    // time against its old hash and stores this instead, in one transaction.
    const cred = await newCredential(password, Math.max(p.iterations, 600_000));
    return { body: { username, password, upgrade: wireCredential(cred) }, secret: { cred, legacyPassword: password } };
  }
  const cred = await deriveCredential(password, p);
  return { body: { username, auth_hash: cred.authHash }, secret: { cred } };
}

/** The credential of the person's current password (a change, a second factor turned off). */
export async function currentCredential(prelogin: (username: string) => Promise<Prelogin>, username: string, password: string): Promise<Credential> {
  return deriveCredential(password, await prelogin(username));
}

/** The same body with the second step's code. */
export function withTotp(body: LoginBody, code: string): LoginBody {
  return { ...body, totp_code: code };
}
