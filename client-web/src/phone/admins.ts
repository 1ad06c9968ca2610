// Whom a person without a department should ask: the system administrators the directory
// shows (GET /org/people?role=admin), by name.

import type { Request } from '../api';
import type { People, Person } from '../directory/types';

/** At most this many names in the sentence. */
export const MAX_NAMED = 3;

export async function loadAdmins(request: Request): Promise<Person[]> {
  const r = await request<People>('GET', '/org/people?role=admin&limit=20');
  return r.people ?? [];
}

/** "周涛（信息中心主任，电话 13800000018）"-style names for the sentence, in directory order. */
export function adminNames(people: readonly Person[], sep: string): string {
  return people
    .slice(0, MAX_NAMED)
    .map((p) => {
      const extra = [p.title, p.phone].filter(Boolean).join(sep === '、' ? '，' : ', ');
      return extra ? `${p.display_name}${sep === '、' ? `（${extra}）` : ` (${extra})`}` : p.display_name;
    })
    .join(sep);
}
