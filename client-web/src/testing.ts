// Test helpers: a fake server behind a fetch function, so the tests exercise the real
// API client and state machine and mock only the network boundary.

import type { FetchLike, Me, Prelogin } from './api';
import { deriveCredential } from './e2e/credential';

export interface Call {
  method: string;
  url: string;
  body?: unknown;
  init: RequestInit;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;
export type Handler = (body: unknown, call: Call) => Reply | Promise<Reply>;

export function fakeFetch(routes: Record<string, Handler>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const call: Call = { method, url, body, init };
    calls.push(call);
    const h = routes[`${method} ${url}`];
    const reply: Reply = h ? await h(body, call) : { status: 404, body: err('not_found') };
    if (reply instanceof Error) throw reply;
    const text = reply.body === undefined ? null : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(text, {
      status: reply.status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  };
  return { fetch, calls };
}

export function err(code: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message: `test ${code}`, request_id: 'req-1', ...extra } };
}

export function me(over: Partial<Me> = {}): Me {
  return {
    id: 1,
    username: 'wangjianguo',
    display_name: '王建国',
    title: '局长',
    position: '',
    role: 'leader',
    departments: [{ id: 1, name: '局领导', path: '局领导', primary: true }],
    party: { id: 1, name: '机关党支部', path: '机关党支部', party_role: '书记' },
    totp_enabled: false,
    must_change_password: false,
    totp_setup_required: false,
    ...over,
  };
}

export const INFO = { org_name: '示范县财政局', version: 'test', default_locale: 'zh-CN', time_zone: 'Asia/Shanghai' };

export function loginOk(user: Me = me()) {
  return { status: 200, body: { user, token: 'secret-token', expires_at: '2026-11-24T06:05:00Z' } };
}

/** In-memory localStorage stand-in. */
export function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

/** What the fake server's prelogin answers: one fixed account salt. */
export const PRELOGIN: Prelogin = { kdf: 'pbkdf2-sha256', salt: 'c2FsdHNhbHRzYWx0c2FsdA', iterations: 600_000 };

const hashes = new Map<string, Promise<string>>();
/** The auth hash of a password under PRELOGIN's salt (the real derivation, once per password). */
export function hashOf(password: string, salt = PRELOGIN.salt): Promise<string> {
  const k = `${salt}\0${password}`;
  if (!hashes.has(k)) hashes.set(k, deriveCredential(password, { salt, iterations: 600_000 }).then((c) => c.authHash));
  return hashes.get(k)!;
}
