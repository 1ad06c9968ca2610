// Error codes → localised text. The server's message is for developers and logs; users
// see our own wording for each code.

import { ApiError } from './api';
import { ruleNames } from './dlp/names';
import { formatDuration, formatMoment } from './format';
import { MESSAGE_KEYS, translate, type Locale, type MessageKey } from './i18n';

/** An error as the UI keeps it: plain data, with the moment it happened so that
 * "try again after 14:35" can be worked out from retry_after. */
export interface UiError {
  code: string;
  /** ms since epoch, when the error arrived */
  at: number;
  /** seconds */
  retryAfter?: number;
  requestId?: string;
  field?: string;
  /** dlp_blocked, dlp_warning: the rules' ids. */
  rules?: string[];
  /** password_policy: the rule broken (too_short, too_simple, …). */
  reason?: string;
}

/** Codes the client raises itself before asking the server. */
export const LOCAL_CODES = {
  passwordMismatch: 'password_mismatch',
  totpFormat: 'totp_format',
  loggedOutElsewhere: 'logged_out_elsewhere',
} as const;

const LOCAL_KEYS: Record<string, MessageKey> = {
  [LOCAL_CODES.passwordMismatch]: 'pw.mismatch',
  [LOCAL_CODES.totpFormat]: 'totp.code_format',
  [LOCAL_CODES.loggedOutElsewhere]: 'shell.logged_out_elsewhere',
  unknown_response: 'error.unknown',
};

/** Codes whose text is worth a request id for the administrator. */
const WITH_REQUEST_ID = new Set(['internal', 'unavailable']);

export function toUiError(err: unknown, now: number): UiError {
  if (err instanceof ApiError) {
    return { code: err.code, at: now, retryAfter: err.retryAfter, requestId: err.requestId, field: err.field, reason: err.reason, ...(err.rules ? { rules: err.rules } : {}) };
  }
  return { code: 'unknown_response', at: now };
}

export function localError(code: string, now: number): UiError {
  return { code, at: now };
}

/** A new password the browser refused (login/policy.ts): code password_policy with the
 * rule broken, worded per rule as the server's reasons are. */
export function policyError(reason: string, now: number): UiError {
  return { code: 'password_policy', at: now, field: 'new_password', reason };
}

const known = new Set<string>(MESSAGE_KEYS);

/** The text a user reads for an error, in the given locale. */
export function describeError(e: UiError, locale: Locale): string {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  let text: string;
  switch (e.code) {
    case 'account_locked':
      text =
        e.retryAfter && e.retryAfter > 0
          ? tr('error.account_locked', {
              time: formatMoment(e.at + e.retryAfter * 1000, e.at, locale),
              duration: formatDuration(e.retryAfter, locale),
            })
          : tr('error.account_locked_no_time');
      break;
    case 'dlp_blocked':
    case 'dlp_warning':
      text = tr(e.code === 'dlp_blocked' ? 'dlp.msg_blocked' : 'dlp.msg_warning', { rules: ruleNames(e.rules, locale) });
      break;
    case 'password_policy': {
      const k = e.reason ? `pwpolicy.${e.reason}` : '';
      text = known.has(k) ? tr(k as MessageKey) : tr('error.password_policy');
      break;
    }
    case 'rate_limited':
      text =
        e.retryAfter && e.retryAfter > 0
          ? tr('error.rate_limited', { duration: formatDuration(e.retryAfter, locale) })
          : tr('error.rate_limited_no_time');
      break;
    default: {
      const local = LOCAL_KEYS[e.code];
      const key = `error.${e.code}`;
      if (local && local !== 'error.unknown') text = tr(local);
      else if (known.has(key)) text = tr(key as MessageKey);
      else text = tr('error.unknown', { code: e.code });
    }
  }
  if (e.requestId && (WITH_REQUEST_ID.has(e.code) || !known.has(`error.${e.code}`))) {
    text += ' ' + tr('error.request_id', { id: e.requestId });
  }
  return text;
}
