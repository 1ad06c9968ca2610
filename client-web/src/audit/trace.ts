// A file's trace (文件去向) made readable: the messages that carried it as a tree (each
// forward under the message it was forwarded from), and who received, opened, downloaded
// and forwarded it, by person and by department. Pure functions over FileTrace.

import type { FileTrace, PersonRef, TraceEvent, TraceHop } from './types';

export interface TraceNode {
  hop: TraceHop;
  /** Forwards of this message, in time order. */
  children: TraceNode[];
  /** Forwarded from a message that is not in the trace (recalled since, or out of reach). */
  orphan: boolean;
}

const key = (channelId: number, seq: number) => `${channelId}:${seq}`;
const byTime = (a: { at: string }, b: { at: string }) => Date.parse(a.at) - Date.parse(b.at);

/** The path as a forest: roots are the messages the file was first sent in (and forwards
 * whose source is not in the trace); a forward sits under its source. A cycle — which
 * the server never makes — is cut where it closes. */
export function buildTree(path: readonly TraceHop[]): TraceNode[] {
  const nodes = new Map<string, TraceNode>();
  for (const hop of [...path].sort(byTime)) {
    const k = key(hop.channel.id, hop.seq);
    if (!nodes.has(k)) nodes.set(k, { hop, children: [], orphan: false });
  }
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const from = node.hop.forwarded_from;
    const parent = from ? nodes.get(key(from.channel_id, from.seq)) : undefined;
    if (!from) {
      roots.push(node);
    } else if (!parent || parent === node || descends(parent, node)) {
      node.orphan = true;
      roots.push(node);
    } else {
      parent.children.push(node);
    }
  }
  return roots;
}

/** Whether `node` is `from` or below it (walking up by forwarded_from is not possible on
 * nodes, so walk down from `from`). */
function descends(node: TraceNode, from: TraceNode): boolean {
  const stack = [from];
  const seen = new Set<TraceNode>();
  while (stack.length) {
    const n = stack.pop()!;
    if (n === node) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...n.children);
  }
  return false;
}

/** The tree flattened for display: each node with its depth, parents before children. */
export function flatten(roots: readonly TraceNode[]): { node: TraceNode; depth: number }[] {
  const out: { node: TraceNode; depth: number }[] = [];
  const walk = (n: TraceNode, depth: number) => {
    out.push({ node: n, depth });
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}

export type Involvement = 'received' | 'opened' | 'downloaded' | 'forwarded';
export const INVOLVEMENTS: readonly Involvement[] = ['received', 'opened', 'downloaded', 'forwarded'];

/** One person in one list: when first and how often. */
export interface Involved {
  person: PersonRef;
  department: string;
  first: string;
  count: number;
}

function add(list: Map<number, Involved>, person: PersonRef | undefined, at: string) {
  if (!person || !person.id) return;
  const had = list.get(person.id);
  if (!had) {
    list.set(person.id, { person, department: person.department?.name ?? '', first: at, count: 1 });
    return;
  }
  had.count++;
  if (Date.parse(at) < Date.parse(had.first)) had.first = at;
  if (!had.department && person.department?.name) had.department = person.department.name;
}

const isDownload = (e: TraceEvent) => e.action === 'file.download' && (!e.outcome || e.outcome === 'ok');

/** Who received (held a key to it), opened (viewed), downloaded (saved) and forwarded the
 * file; each list in order of first time. An escrow open is neither: it is the officer's,
 * and shown in the events. */
export function involvement(trace: FileTrace): Record<Involvement, Involved[]> {
  const lists: Record<Involvement, Map<number, Involved>> = { received: new Map(), opened: new Map(), downloaded: new Map(), forwarded: new Map() };
  for (const r of trace.recipients ?? []) add(lists.received, r.user, r.wrapped_at);
  for (const e of trace.events ?? []) {
    if (isDownload(e)) add(e.purpose === 'save' ? lists.downloaded : lists.opened, e.actor, e.at);
  }
  for (const hop of trace.path) if (hop.forwarded_from) add(lists.forwarded, hop.sender, hop.at);
  const out = {} as Record<Involvement, Involved[]>;
  for (const k of INVOLVEMENTS) out[k] = [...lists[k].values()].sort((a, b) => Date.parse(a.first) - Date.parse(b.first));
  return out;
}

/** A list grouped by department (in order of the first person of each), for the
 * 按部门 view; people without one under ''. */
export function byDepartment(list: readonly Involved[]): { department: string; people: Involved[] }[] {
  const groups = new Map<string, Involved[]>();
  for (const x of list) {
    const g = groups.get(x.department);
    if (g) g.push(x);
    else groups.set(x.department, [x]);
  }
  return [...groups.entries()].map(([department, people]) => ({ department, people }));
}
