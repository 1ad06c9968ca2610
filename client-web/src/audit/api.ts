// The console's REST calls (PROTOCOL.md §4.8, §4.24). Every read is itself recorded by the
// server (audit.read); the acknowledgement of an alert is the security officer's alone.

import { errorFrom, type FetchLike, type Request } from '../api';
import type { Page } from './pager';
import { timelinePath, trailPath, type PageAt, type TrailFilter } from './query';
import type { AlertState, AuditAlert, AuditAlerts, AuditEvent, AuditEvents, AuditStatus, FileTrace, NoticeReaders, PersonRef, PersonTimeline } from './types';

const page = (r: AuditEvents): Page<AuditEvent> => ({ items: r.events ?? [], next: r.next_before_id });

export async function trailPage(request: Request, f: TrailFilter, p: PageAt = {}): Promise<Page<AuditEvent>> {
  return page(await request<AuditEvents>('GET', trailPath(f, p)));
}

/** One page of a person's timeline, and the person as the server names them. */
export async function timelinePage(
  request: Request,
  personId: number,
  range: { since: string; until: string },
  p: PageAt = {},
  onPerson?: (person: PersonRef) => void,
): Promise<Page<AuditEvent>> {
  const r = await request<PersonTimeline>('GET', timelinePath(personId, range, p));
  if (r.person) onPerson?.(r.person);
  return { items: r.events ?? [], next: r.next_before_id };
}

export function auditStatus(request: Request): Promise<AuditStatus> {
  return request<AuditStatus>('GET', '/audit/status');
}

export const BLOB_ID = /^[0-9a-f]{32}$/;

/** A file id as people paste it (spaces, capitals) → the 32 lowercase hex digits. */
export function normaliseBlobId(s: string): string {
  return s.replace(/\s+/g, '').toLowerCase();
}

export type TraceOf = { blobId: string } | { channelId: number; seq: number };

export function tracePath(of: TraceOf): string {
  return 'blobId' in of ? `/audit/files/${encodeURIComponent(normaliseBlobId(of.blobId))}/trace` : `/audit/messages/${of.channelId}/${of.seq}/trace`;
}

export function fileTrace(request: Request, of: TraceOf): Promise<FileTrace> {
  return request<FileTrace>('GET', tracePath(of));
}

export async function noticeReaders(request: Request, noticeId: number): Promise<NoticeReaders> {
  const r = await request<NoticeReaders>('GET', `/audit/notices/${noticeId}/readers`);
  return { ...r, readers: r.readers ?? [] };
}

export function alertsPath(state: AlertState | 'all', p: PageAt = {}): string {
  const s = new URLSearchParams({ state });
  if (p.beforeId) s.set('before_id', String(p.beforeId));
  s.set('limit', String(p.limit ?? 50));
  return `/audit/alerts?${s.toString()}`;
}

export async function alertsPage(request: Request, state: AlertState | 'all', p: PageAt = {}): Promise<Page<AuditAlert>> {
  const r = await request<AuditAlerts>('GET', alertsPath(state, p));
  return { items: r.alerts ?? [], next: r.next_before_id };
}

export const MAX_NOTE = 500;

export function ackAlert(request: Request, id: number, note: string): Promise<AuditAlert> {
  return request<AuditAlert>('POST', `/audit/alerts/${id}/ack`, { note: note.trim() });
}

/** The verifier key of the checkpoints (a signed-note vkey): the status names it; else an
 * inclusion proof of the newest event carries it. Undefined when the trail is empty. */
export async function verifierKey(request: Request, status: AuditStatus): Promise<string | undefined> {
  if (status.vkey) return status.vkey;
  if (!status.newest_id) return undefined;
  const proof = await request<{ vkey?: string }>('GET', `/audit/events/${status.newest_id}/proof`);
  return proof.vkey || undefined;
}

/** The file name a Content-Disposition header gives (filename*=UTF-8'' first, then
 * filename="…"); undefined when none. */
export function dispositionName(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header) ?? /filename\s*=\s*([^;\s]+)/i.exec(header);
  return plain?.[1] || undefined;
}

/** Fetches an export (the signed bundle) with the session cookie: an error answer is
 * thrown as an ApiError (the page says it in words) instead of being saved as a file. */
export async function fetchExport(href: string, fetchFn: FetchLike = (i, init) => fetch(i, init)): Promise<{ blob: Blob; name?: string }> {
  const r = await fetchFn(href, { credentials: 'same-origin', cache: 'no-store' });
  if (!r.ok) throw await errorFrom(r);
  return { blob: await r.blob(), name: dispositionName(r.headers.get('Content-Disposition')) };
}
