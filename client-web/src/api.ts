// The REST client. The session lives in an HttpOnly cookie the server sets; this code
// never sees or stores the token, it only sends requests with same-origin credentials.

export interface Info {
  org_name: string;
  version: string;
  default_locale: string;
  time_zone: string;
  recall_window_seconds?: number;
  edit_window_seconds?: number;
  /** The reactions people may give messages, in display order; [] when off. */
  reactions?: string[];
  /** The largest file that may be sent, in plaintext bytes; 0 when the server takes no files. */
  max_file_size?: number;
  /** The upload part size in bytes (FILE_PART_SIZE). */
  part_size?: number;
}

export interface MeDept {
  id: number;
  name: string;
  path: string;
  primary: boolean;
}

export interface MeParty {
  id: number;
  name: string;
  path: string;
  party_role?: string;
}

export interface Me {
  id: number;
  username: string;
  display_name: string;
  title?: string;
  position?: string;
  role: string;
  departments: MeDept[];
  party?: MeParty | null;
  totp_enabled: boolean;
  must_change_password: boolean;
  totp_setup_required: boolean;
  /** The person's key pair (issue 12): none yet, ok, or locked — an administrator reset the
   * password after the key was wrapped, so the wrap on the server opens with no password
   * the person has (PROTOCOL.md §4.3). Absent from an older server: treated as ok. */
  key_state?: KeyState;
}

export type KeyState = 'none' | 'ok' | 'locked';

/** POST /auth/prelogin's answer (PROTOCOL.md §4.2): how this account's password is derived. */
export interface Prelogin {
  kdf: 'pbkdf2-sha256';
  salt: string;
  iterations: number;
  /** The account still has a pre-upgrade password hash: the next login sends the password
   * once, with the new credential to store (`upgrade`). */
  legacy?: boolean;
}

/** A derived credential on the wire: the salt and count it was made with, and the hash. */
export interface WireCredential {
  salt: string;
  iterations: number;
  auth_hash: string;
}

/** What login sends: the auth hash, or (a legacy account, once) the password and the upgrade. */
export type LoginBody =
  | { username: string; auth_hash: string; totp_code?: string }
  | { username: string; password: string; upgrade: WireCredential; totp_code?: string };

/** POST /me/password since issue 12: the current auth hash, the new credential and, when
 * this browser holds the private key, its wrap under the new password (same key id). */
export interface ChangePasswordBody {
  current_auth_hash?: string;
  /** Instead of current_auth_hash, only for a legacy account (a session from before its upgrade). */
  current_password?: string;
  new: WireCredential;
  /** Together: the private key wrapped under the new password (same key id). */
  wrapped_private?: string;
  key_id?: string;
}

export interface LoginResponse {
  user: Me;
  expires_at: string;
  // The response also carries the token for API clients; the web client ignores it.
}

export interface TotpSetup {
  secret: string;
  otpauth_url: string;
  qr_png: string;
}

/** Codes the client makes up itself, beside the server's vocabulary. */
export const CLIENT_CODES = {
  network: 'network', // fetch failed: offline, DNS, connection refused
  badResponse: 'unknown_response', // a reply that is not the JSON we expect
} as const;

/** A failed request, normalised: always has a code; retryAfter in seconds. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  readonly retryAfter?: number;
  readonly field?: string;
  /** import_invalid: the rejected rows of a CSV import (PROTOCOL.md §5), as sent. */
  readonly rows?: unknown;
  /** Refines the code (password_policy's rule, a DLP pattern's fault). */
  readonly reason?: string;
  /** dlp_blocked, dlp_warning: the rules' ids (PROTOCOL.md §4.25). */
  readonly rules?: string[];

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { requestId?: string; retryAfter?: number; field?: string; rows?: unknown; reason?: string; rules?: string[] } = {},
  ) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = extra.requestId;
    this.retryAfter = extra.retryAfter;
    this.field = extra.field;
    this.rows = extra.rows;
    this.reason = extra.reason;
    this.rules = extra.rules;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The code to assume when an error reply has no JSON body (a proxy page, say). */
function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'too_large';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'unavailable' : CLIENT_CODES.badResponse;
  }
}

function retryAfterHeader(res: Response): number | undefined {
  const h = res.headers.get('Retry-After');
  if (!h) return undefined;
  const n = Number(h);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The ApiError of a failed answer (its JSON error body, else its status); exported for
 * the few calls that cannot go through request() (a binary upload part). */
export async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const e = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (e && typeof e.code === 'string' && e.code) {
    const ra = typeof e.retry_after === 'number' && e.retry_after > 0 ? e.retry_after : retryAfterHeader(res);
    return new ApiError(res.status, e.code, typeof e.message === 'string' ? e.message : '', {
      requestId: typeof e.request_id === 'string' ? e.request_id : undefined,
      retryAfter: ra,
      field: typeof e.field === 'string' ? e.field : undefined,
      rows: Array.isArray(e.rows) ? e.rows : undefined,
      reason: typeof e.reason === 'string' ? e.reason : undefined,
      rules: Array.isArray(e.rules) ? e.rules.filter((x): x is string => typeof x === 'string') : undefined,
    });
  }
  return new ApiError(res.status, codeForStatus(res.status), `HTTP ${res.status}`, {
    retryAfter: retryAfterHeader(res),
    requestId: res.headers.get('X-Request-Id') ?? undefined,
  });
}

export interface Api {
  info(): Promise<Info>;
  me(): Promise<Me>;
  prelogin(username: string): Promise<Prelogin>;
  /** The password never goes in here except in a legacy account's one upgrade body. */
  login(body: LoginBody): Promise<LoginResponse>;
  logout(): Promise<void>;
  changePassword(body: ChangePasswordBody): Promise<LoginResponse>;
  totpSetup(): Promise<TotpSetup>;
  totpEnable(code: string): Promise<void>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A raw body (a CSV file, say) sent as is, instead of JSON. */
export interface RawBody {
  raw: string;
  contentType: string;
}

export type Request = <T>(method: Method, path: string, body?: unknown) => Promise<T>;

/** Builds the one request function every API module goes through: same-origin
 * credentials, no caching, JSON in and out, errors normalised to ApiError. */
export function createRequest(fetchFn: FetchLike = (i, init) => fetch(i, init), base = '/api/v1'): Request {
  return async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (isRawBody(body)) {
      headers['Content-Type'] = body.contentType;
      init.body = body.raw;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetchFn(base + path, init);
    } catch (err) {
      throw new ApiError(0, CLIENT_CODES.network, err instanceof Error ? err.message : String(err));
    }
    if (!res.ok) throw await errorFrom(res);
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError(res.status, CLIENT_CODES.badResponse, 'response is not JSON');
    }
  };
}

function isRawBody(b: unknown): b is RawBody {
  return typeof b === 'object' && b !== null && typeof (b as RawBody).raw === 'string' && typeof (b as RawBody).contentType === 'string';
}

/** Builds the API client over a fetch function (the browser's, or a test double). */
export function createApi(fetchFn: FetchLike = (i, init) => fetch(i, init), base = '/api/v1'): Api {
  const request = createRequest(fetchFn, base);

  return {
    info: () => request<Info>('GET', '/info'),
    me: () => request<Me>('GET', '/me'),
    prelogin: (username) => request<Prelogin>('POST', '/auth/prelogin', { username }),
    login: (body) => request<LoginResponse>('POST', '/auth/login', body),
    logout: () => request<void>('POST', '/auth/logout'),
    changePassword: (body) => request<LoginResponse>('POST', '/me/password', body),
    totpSetup: () => request<TotpSetup>('POST', '/me/totp/setup'),
    totpEnable: (code) => request<void>('POST', '/me/totp/enable', { code }),
  };
}
