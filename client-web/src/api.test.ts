import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from './api';
import { err, fakeFetch, INFO, loginOk } from './testing';

describe('api client', () => {
  it('sends same-origin credentials and JSON bodies', async () => {
    const { fetch, calls } = fakeFetch({ 'POST /api/v1/auth/login': () => loginOk() });
    const res = await createApi(fetch).login({ username: 'wangjianguo', auth_hash: 'h' });
    expect(res.user.display_name).toBe('王建国');
    expect(calls[0]!.init.credentials).toBe('same-origin');
    expect(calls[0]!.body).toEqual({ username: 'wangjianguo', auth_hash: 'h' });
    expect((calls[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('adds totp_code only on the second step', async () => {
    const { fetch, calls } = fakeFetch({ 'POST /api/v1/auth/login': () => loginOk() });
    await createApi(fetch).login({ username: 'u', auth_hash: 'h', totp_code: '123456' });
    expect(calls[0]!.body).toEqual({ username: 'u', auth_hash: 'h', totp_code: '123456' });
  });

  it('reads GET bodies and handles 204', async () => {
    const { fetch } = fakeFetch({
      'GET /api/v1/info': () => ({ status: 200, body: INFO }),
      'POST /api/v1/auth/logout': () => ({ status: 204 }),
    });
    const api = createApi(fetch);
    expect((await api.info()).org_name).toBe('示范县财政局');
    expect(await api.logout()).toBeUndefined();
  });

  it('turns error bodies into ApiError with every field', async () => {
    const { fetch } = fakeFetch({
      'POST /api/v1/auth/login': () => ({ status: 429, body: err('account_locked', { retry_after: 600 }) }),
    });
    const e = await createApi(fetch).login({ username: 'u', auth_hash: 'h' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 429, code: 'account_locked', retryAfter: 600, requestId: 'req-1' });
  });

  it('falls back to the Retry-After header and to the status when the body is not JSON', async () => {
    const { fetch } = fakeFetch({
      'GET /api/v1/me': () => ({ status: 429, body: '<html>busy</html>', headers: { 'Retry-After': '30' } }),
      'GET /api/v1/info': () => ({ status: 502, body: 'Bad Gateway' }),
    });
    const api = createApi(fetch);
    await expect(api.me()).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 30 });
    await expect(api.info()).rejects.toMatchObject({ code: 'unavailable', status: 502 });
  });

  it('reports a network failure as code network', async () => {
    const { fetch } = fakeFetch({ 'GET /api/v1/me': () => new TypeError('Failed to fetch') });
    await expect(createApi(fetch).me()).rejects.toMatchObject({ code: 'network', status: 0 });
  });
});
