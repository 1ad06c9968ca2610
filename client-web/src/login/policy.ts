// The password policy, checked in the browser (PROTOCOL.md §4.3): since issue 12 the server
// never sees the new password, only its authentication hash, so it cannot check the rules.
// A port of internal/passwd/policy.go — same rules, same order, same reasons — so the texts
// people see for each reason stay those of the server's era.

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
/** The server's MaxPasswordBytes: the byte bound, beside the character count. */
export const PASSWORD_MAX_BYTES = 512;
/** Ten Chinese characters make a passphrase strong without other classes. */
const PASSPHRASE_HAN = 10;

export type PolicyReason = 'too_long' | 'too_short' | 'same_as_username' | 'too_simple' | 'same_as_current';

const HAN = /\p{Script=Han}/u;

function classes(pw: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (const ch of pw) {
    if (ch >= 'a' && ch <= 'z') lower = 1;
    else if (ch >= 'A' && ch <= 'Z') upper = 1;
    else if (ch >= '0' && ch <= '9') digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

function hanCount(pw: string): number {
  let n = 0;
  for (const ch of pw) if (HAN.test(ch)) n++;
  return n;
}

/** Go's strings.EqualFold, for the cases that matter here (simple Unicode case folding). */
function equalFold(a: string, b: string): boolean {
  const fa = [...a];
  const fb = [...b];
  if (fa.length !== fb.length) return false;
  for (let i = 0; i < fa.length; i++) {
    const x = fa[i]!;
    const y = fb[i]!;
    if (x === y) continue;
    if (x.toLowerCase() !== y.toLowerCase() && x.toUpperCase() !== y.toUpperCase()) return false;
  }
  return true;
}

/** The first rule a new password breaks, in the server's order; undefined when it passes.
 * `current`: the password being replaced (a change must not keep it). */
export function checkPassword(pw: string, username: string, current?: string): PolicyReason | undefined {
  const n = [...pw].length;
  if (new TextEncoder().encode(pw).length > PASSWORD_MAX_BYTES || n > PASSWORD_MAX) return 'too_long';
  if (n < PASSWORD_MIN) return 'too_short';
  if (username !== '' && equalFold(pw, username)) return 'same_as_username';
  if (classes(pw) < 3 && hanCount(pw) < PASSPHRASE_HAN) return 'too_simple';
  if (current !== undefined && current === pw) return 'same_as_current';
  return undefined;
}
