// Client-side routes. The server answers every path without a file extension with the
// app page, so these are real URLs that survive a reload and can be opened from a
// notification:
//
//   /                 channels, none open        /c/12            channel 12
//   /notices          notices                    /directory       the directory
//   /admin/people     admin: people              /admin/departments, /admin/party, /admin/import

export type AdminTab = 'people' | 'departments' | 'party' | 'import';
export const ADMIN_TABS: readonly AdminTab[] = ['people', 'departments', 'party', 'import'];

export type Route =
  | { section: 'channels'; channelId?: number }
  | { section: 'notices' }
  | { section: 'directory' }
  | { section: 'admin'; tab: AdminTab };

export type Section = Route['section'];

export const HOME: Route = { section: 'channels' };

/** Reads a path; anything unknown is the home route. */
export function parseRoute(path: string): Route {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'c': {
      const id = Number(parts[1]);
      return Number.isSafeInteger(id) && id > 0 && parts.length === 2 ? { section: 'channels', channelId: id } : HOME;
    }
    case 'notices':
      return { section: 'notices' };
    case 'directory':
      return { section: 'directory' };
    case 'admin': {
      const tab = (ADMIN_TABS as readonly string[]).includes(parts[1] ?? '') ? (parts[1] as AdminTab) : 'people';
      return { section: 'admin', tab };
    }
    default:
      return HOME;
  }
}

export function pathFor(r: Route): string {
  switch (r.section) {
    case 'channels':
      return r.channelId ? `/c/${r.channelId}` : '/';
    case 'admin':
      return `/admin/${r.tab}`;
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
