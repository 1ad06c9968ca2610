// The REST calls of secrecy levels (PROTOCOL.md §4.18) and legal holds (§4.19).

import type { Request } from '../api';
import type { ChannelSecrecy, CreateHoldRequest, LegalHold, SecrecyConfig, SecrecyLevel } from './types';

/** GET /secrecy: the ladder (every session). */
export function getSecrecy(request: Request): Promise<SecrecyConfig> {
  return request<SecrecyConfig>('GET', '/secrecy');
}

/** PUT /secrecy/levels (secrecy.manage): the whole ladder, in order; answers the new config. */
export function putLevels(request: Request, levels: readonly SecrecyLevel[]): Promise<SecrecyConfig> {
  return request<SecrecyConfig>('PUT', '/secrecy/levels', { levels: [...levels].sort((a, b) => a.level - b.level) });
}

/** GET /secrecy/channels (secrecy.manage): every channel's ceiling and usual level. */
export async function listChannelSecrecy(request: Request): Promise<ChannelSecrecy[]> {
  const r = await request<{ channels: ChannelSecrecy[] | null }>('GET', '/secrecy/channels');
  return r.channels ?? [];
}

/** PUT /secrecy/channels/{id} (secrecy.manage). */
export function putChannelSecrecy(request: Request, id: number, max: number, def: number): Promise<ChannelSecrecy> {
  return request<ChannelSecrecy>('PUT', `/secrecy/channels/${id}`, { max_secrecy: max, default_secrecy: def });
}

/** GET /holds (holds.manage or holds.countersign). */
export async function listHolds(request: Request): Promise<LegalHold[]> {
  const r = await request<{ holds: LegalHold[] | null }>('GET', '/holds');
  return r.holds ?? [];
}

/** POST /holds (holds.manage). */
export function createHold(request: Request, body: CreateHoldRequest): Promise<LegalHold> {
  return request<LegalHold>('POST', '/holds', body);
}

/** POST /holds/{id}/release (holds.manage): 申请解除. */
export function requestRelease(request: Request, id: number, note: string): Promise<LegalHold> {
  return request<LegalHold>('POST', `/holds/${id}/release`, { note });
}

/** POST /holds/{id}/countersign (holds.countersign): 会签解除, by someone else. */
export function countersign(request: Request, id: number, note: string): Promise<LegalHold> {
  return request<LegalHold>('POST', `/holds/${id}/countersign`, { note });
}
