// The REST calls of 保密管理 besides the open (open.ts) and the set (setup.ts): the current
// escrow key, and the name of the officer who set it, from the directory.

import { ApiError, type Request } from '../api';
import type { People } from '../directory/types';
import type { EscrowKey } from '../files/types';

/** GET /keys/escrow; null when the organisation has none. */
export async function currentEscrowKey(request: Request): Promise<EscrowKey | null> {
  try {
    return await request<EscrowKey>('GET', '/keys/escrow');
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not_found') return null;
    throw e;
  }
}

/** The display name of the person who set the key: only security officers can, so the
 * directory's officers are asked (a handful); undefined when they are not among them
 * (the account was disabled, or its role changed since). */
export async function setterName(request: Request, userId: number): Promise<string | undefined> {
  const r = await request<People>('GET', '/org/people?role=security&limit=100');
  const p = (r.people ?? []).find((x) => x.id === userId);
  return p ? p.display_name || p.username : undefined;
}
