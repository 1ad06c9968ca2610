// An event's detail (a JSON object in a string, PROTOCOL.md §6) as key/value rows for the
// expanded row of the trail. The server puts only non-secret facts there (ids, counts,
// levels — never content); the console shows them as they are, each value as text.

export interface DetailRow {
  key: string;
  value: string;
}

const MAX_VALUE = 300;

function text(v: unknown): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.map(text).join(', ');
  return JSON.stringify(v);
}

/** The rows of a detail: one per member, nested objects flattened with dotted keys one
 * level deep; a detail that is not a JSON object is one row `detail`. */
export function detailRows(detail: string | undefined): DetailRow[] {
  if (!detail) return [];
  let v: unknown;
  try {
    v = JSON.parse(detail);
  } catch {
    return [{ key: 'detail', value: clip(detail) }];
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [{ key: 'detail', value: clip(text(v)) }];
  const rows: DetailRow[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      for (const [k2, y] of Object.entries(x as Record<string, unknown>)) rows.push({ key: `${k}.${k2}`, value: clip(text(y)) });
    } else rows.push({ key: k, value: clip(text(x)) });
  }
  return rows;
}

function clip(s: string): string {
  return [...s].length > MAX_VALUE ? [...s].slice(0, MAX_VALUE).join('') + '…' : s;
}
