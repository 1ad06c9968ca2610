// Client-side routes. The server answers every path without a file extension with the
// app page, so these are real URLs that survive a reload and can be opened from a
// notification:
//
//   /                 channels, none open        /c/12            channel 12
//   /notices          notices to confirm         /notices/received, /notices/sent
//   /notices/channel/12  notices pinned in channel 12    /notices/34   notice 34
//   /todos            待办 (mine)             /todos/assigned  我交办的
//   /collect          collections (收集 / 接龙): to answer and authored      /collect/56   collection 56
//   /directory        the directory          /settings        notifications and quiet hours (own)
//   /me               我: the person's card, password, second factor, language, logout
//   /admin/people     admin: people              /admin/departments, /admin/party, /admin/import,
//                                                /admin/worktime (quiet hours: schedule, calendar,
//                                                duty roster; the address keeps the name people
//                                                have bookmarked, the code says quiet)
//   /security/escrow  the security officer: 保密管理 (the escrow key, 案件调取)
//   /security/levels  the security officer: 密级设置 (the ladder, channel ceilings)
//   /security/holds   法律保全: the security officer, and the auditor (who countersigns)
//   /audit            审计台 (the security officer and the auditor): /audit/trail, /audit/alerts,
//                     /audit/export, /audit/investigate and one investigation:
//                     /audit/investigate/file/<blob id>, …/message/<channel>/<seq>,
//                     …/person/<user id>, …/notice/<notice id>
//   /security/dlp     the security officer: 数据防泄漏 (the DLP rules)
//   /security/recovery 密钥恢复: the security officer (account-recovery key, requests)

export type AdminTab = 'people' | 'departments' | 'party' | 'import' | 'worktime';
export const ADMIN_TABS: readonly AdminTab[] = ['people', 'departments', 'party', 'import', 'worktime'];

/** The security officer's pages (保密管理). */
export type SecurityTab = 'escrow' | 'levels' | 'holds' | 'dlp' | 'recovery';
export const SECURITY_TABS: readonly SecurityTab[] = ['escrow', 'levels', 'holds', 'dlp', 'recovery'];

/** The tabs of the audit console (审计台). */
export type AuditTab = 'trail' | 'investigate' | 'alerts' | 'export';
export const AUDIT_TABS: readonly AuditTab[] = ['trail', 'investigate', 'alerts', 'export'];

/** One investigation of the console's 调查 tab, as its address names it. */
export type Investigation =
  | { kind: 'file'; blobId: string }
  | { kind: 'message'; channelId: number; seq: number }
  | { kind: 'person'; personId: number }
  | { kind: 'notice'; noticeId: number };

/** The lists of the notices section: 待确认, 收到的, 我发布的, and one channel's board. */
export type NoticeView = 'pending' | 'received' | 'sent' | 'channel';

/** The lists of 待办: what I must do, and what I gave others. */
export type TodoView = 'mine' | 'assigned';

export type Route =
  | { section: 'channels'; channelId?: number }
  | { section: 'todos'; view: TodoView }
  | { section: 'notices'; view: NoticeView; channelId?: number; noticeId?: number }
  | { section: 'collect'; collectionId?: number }
  | { section: 'directory' }
  | { section: 'settings' }
  | { section: 'me' }
  | { section: 'admin'; tab: AdminTab }
  | { section: 'security'; tab: SecurityTab }
  | { section: 'audit'; tab: AuditTab; inv?: Investigation };

export type Section = Route['section'];

export const HOME: Route = { section: 'channels' };

/** Reads a path; anything unknown is the home route. */
export function parseRoute(path: string): Route {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'c':
      return parts.length === 2 && isId(parts[1]) ? { section: 'channels', channelId: Number(parts[1]) } : HOME;
    case 'notices': {
      if (parts.length === 1) return { section: 'notices', view: 'pending' };
      if (parts.length === 2 && (parts[1] === 'received' || parts[1] === 'sent')) return { section: 'notices', view: parts[1] };
      if (parts.length === 2 && isId(parts[1])) return { section: 'notices', view: 'pending', noticeId: Number(parts[1]) };
      if (parts.length === 3 && parts[1] === 'channel' && isId(parts[2])) return { section: 'notices', view: 'channel', channelId: Number(parts[2]) };
      return { section: 'notices', view: 'pending' };
    }
    case 'todos':
      return { section: 'todos', view: parts[1] === 'assigned' ? 'assigned' : 'mine' };
    case 'collect':
      return parts.length === 2 && isId(parts[1]) ? { section: 'collect', collectionId: Number(parts[1]) } : { section: 'collect' };
    case 'directory':
      return { section: 'directory' };
    case 'settings':
      return { section: 'settings' };
    case 'me':
      return { section: 'me' };
    case 'admin': {
      const tab = (ADMIN_TABS as readonly string[]).includes(parts[1] ?? '') ? (parts[1] as AdminTab) : 'people';
      return { section: 'admin', tab };
    }
    case 'security': {
      const tab = (SECURITY_TABS as readonly string[]).includes(parts[1] ?? '') ? (parts[1] as SecurityTab) : 'escrow';
      return { section: 'security', tab };
    }
    case 'audit':
      return parseAudit(parts.slice(1));
    default:
      return HOME;
  }
}

function parseAudit(parts: string[]): Route {
  const tab = (AUDIT_TABS as readonly string[]).includes(parts[0] ?? '') ? (parts[0] as AuditTab) : 'trail';
  if (tab !== 'investigate' || parts.length < 3) return { section: 'audit', tab };
  const [, kind, a, b] = parts;
  if (kind === 'file' && parts.length === 3 && /^[0-9a-f]{32}$/.test(a!)) return { section: 'audit', tab, inv: { kind: 'file', blobId: a! } };
  if (kind === 'message' && parts.length === 4 && isId(a) && isId(b)) return { section: 'audit', tab, inv: { kind: 'message', channelId: Number(a), seq: Number(b) } };
  if (kind === 'person' && parts.length === 3 && isId(a)) return { section: 'audit', tab, inv: { kind: 'person', personId: Number(a) } };
  if (kind === 'notice' && parts.length === 3 && isId(a)) return { section: 'audit', tab, inv: { kind: 'notice', noticeId: Number(a) } };
  return { section: 'audit', tab };
}

function auditPath(r: Extract<Route, { section: 'audit' }>): string {
  const i = r.inv;
  if (r.tab !== 'investigate' || !i) return `/audit/${r.tab}`;
  switch (i.kind) {
    case 'file':
      return `/audit/investigate/file/${i.blobId}`;
    case 'message':
      return `/audit/investigate/message/${i.channelId}/${i.seq}`;
    case 'person':
      return `/audit/investigate/person/${i.personId}`;
    case 'notice':
      return `/audit/investigate/notice/${i.noticeId}`;
  }
}

function isId(s: string | undefined): boolean {
  const n = Number(s);
  return s !== undefined && /^\d+$/.test(s) && Number.isSafeInteger(n) && n > 0;
}

export function pathFor(r: Route): string {
  switch (r.section) {
    case 'channels':
      return r.channelId ? `/c/${r.channelId}` : '/';
    case 'notices':
      if (r.noticeId) return `/notices/${r.noticeId}`;
      if (r.view === 'channel' && r.channelId) return `/notices/channel/${r.channelId}`;
      return r.view === 'received' || r.view === 'sent' ? `/notices/${r.view}` : '/notices';
    case 'todos':
      return r.view === 'assigned' ? '/todos/assigned' : '/todos';
    case 'collect':
      return r.collectionId ? `/collect/${r.collectionId}` : '/collect';
    case 'admin':
      return `/admin/${r.tab}`;
    case 'security':
      return `/security/${r.tab}`;
    case 'audit':
      return auditPath(r);
    default:
      return `/${r.section}`;
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return pathFor(a) === pathFor(b);
}

/** The browser's history, behind an interface so the state machine can be tested. */
export interface History {
  path(): string;
  push(path: string): void;
  replace(path: string): void;
  onPop(fn: () => void): () => void;
}

export function browserHistory(): History {
  return {
    path: () => location.pathname,
    push: (p) => history.pushState(null, '', p),
    replace: (p) => history.replaceState(null, '', p),
    onPop(fn) {
      addEventListener('popstate', fn);
      return () => removeEventListener('popstate', fn);
    },
  };
}

/** An in-memory history for tests. */
export function memoryHistory(initial = '/'): History & { stack: string[] } {
  const stack = [initial];
  const pops = new Set<() => void>();
  return {
    stack,
    path: () => stack[stack.length - 1]!,
    push: (p) => void stack.push(p),
    replace: (p) => void (stack[stack.length - 1] = p),
    onPop(fn) {
      pops.add(fn);
      return () => pops.delete(fn);
    },
  };
}
