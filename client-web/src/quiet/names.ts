// The names of people by id, for lists whose wire form carries only user ids (the duty
// roster, the off-duty hint): the directory, read once per page and kept for a few minutes.

import type { Request } from '../api';
import { loadEveryone } from '../directory/load';

export const NAMES_TTL_MS = 5 * 60_000;

export type Names = ReadonlyMap<number, string>;

/** Every person's name (display name, else username), from the whole directory. */
export async function fetchNames(request: Request): Promise<Map<number, string>> {
  const people = await loadEveryone(request);
  return new Map(people.map((p) => [p.id, p.display_name || p.username]));
}

const cache = new WeakMap<Request, { at: number; promise: Promise<Map<number, string>> }>();

/** The names, shared by everything on the page that uses the same request function. */
export function namesFor(request: Request, now: () => number = Date.now): Promise<Names> {
  const hit = cache.get(request);
  if (hit && now() - hit.at < NAMES_TTL_MS) return hit.promise;
  const entry = { at: now(), promise: fetchNames(request) };
  entry.promise.catch(() => {
    if (cache.get(request) === entry) cache.delete(request);
  });
  cache.set(request, entry);
  return entry.promise;
}

