// The REST calls of notices (PROTOCOL.md §4.10), over the app's one request function.

import type { Request } from '../api';
import type {
  Notice,
  NoticeBox,
  NoticeReceipt,
  NoticeRevision,
  NoticeRevisions,
  Notices,
  NoticeTally,
  PublishNoticeRequest,
  RemindResult,
  ReviseNoticeRequest,
  TallyState,
} from './types';

/** The server's largest page of notices. */
export const MAX_LIST_LIMIT = 200;

export interface ListQuery {
  channel?: number;
  before?: number;
  limit?: number;
}

export interface TallyFilter {
  state?: TallyState | '';
  department?: number;
}

export interface NoticesApi {
  list(box: NoticeBox, q?: ListQuery): Promise<Notices>;
  get(id: number): Promise<Notice>;
  revisions(id: number): Promise<NoticeRevision[]>;
  publish(body: PublishNoticeRequest): Promise<Notice>;
  revise(id: number, body: ReviseNoticeRequest): Promise<Notice>;
  withdraw(id: number, reason: string): Promise<Notice>;
  seen(id: number, revision: number): Promise<NoticeReceipt>;
  confirm(id: number, revision: number, reply?: string): Promise<NoticeReceipt>;
  tally(id: number, filter?: TallyFilter): Promise<NoticeTally>;
  remind(id: number): Promise<RemindResult>;
}

export function listPath(box: NoticeBox, q: ListQuery = {}): string {
  const s = new URLSearchParams({ box });
  if (q.channel) s.set('channel', String(q.channel));
  if (q.before) s.set('before', String(q.before));
  if (q.limit) s.set('limit', String(Math.min(Math.max(1, Math.floor(q.limit)), MAX_LIST_LIMIT)));
  return `/notices?${s.toString()}`;
}

function tallyQuery(f: TallyFilter = {}): string {
  const s = new URLSearchParams();
  if (f.state) s.set('state', f.state);
  if (f.department !== undefined && f.department >= 0 && Number.isSafeInteger(f.department)) s.set('department', String(f.department));
  const q = s.toString();
  return q ? `?${q}` : '';
}

export function tallyPath(id: number, f?: TallyFilter): string {
  return `/notices/${id}/tally${tallyQuery(f)}`;
}

/** The address of the CSV export, for an <a download> link (the cookie goes with it). */
export function tallyCsvHref(id: number, f?: TallyFilter, base = '/api/v1'): string {
  return `${base}/notices/${id}/tally.csv${tallyQuery(f)}`;
}

export function createNoticesApi(request: Request): NoticesApi {
  const one = (id: number) => `/notices/${id}`;
  return {
    list: async (box, q) => {
      const r = await request<Notices>('GET', listPath(box, q));
      return { notices: r.notices ?? [], has_more: !!r.has_more, escalations: r.escalations ?? [] };
    },
    get: (id) => request<Notice>('GET', one(id)),
    revisions: async (id) => (await request<NoticeRevisions>('GET', `${one(id)}/revisions`)).revisions ?? [],
    publish: (body) => request<Notice>('POST', '/notices', body),
    revise: (id, body) => request<Notice>('POST', `${one(id)}/revisions`, body),
    withdraw: (id, reason) => request<Notice>('POST', `${one(id)}/withdraw`, { reason }),
    seen: (id, revision) => request<NoticeReceipt>('POST', `${one(id)}/seen`, { revision }),
    confirm: (id, revision, reply) =>
      request<NoticeReceipt>('POST', `${one(id)}/confirm`, reply && reply.trim() ? { revision, reply: reply.trim() } : { revision }),
    tally: (id, f) => request<NoticeTally>('GET', tallyPath(id, f)),
    remind: (id) => request<RemindResult>('POST', `${one(id)}/remind`),
  };
}
