import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Info, Me, Prelogin, Request } from '../api';
import { currentCredential } from '../login/login';
import { ApiError } from '../api';
import { deriveCredential, type Credential } from '../e2e/credential';
import { createDeviceVault, indexedDbStore } from '../files/device';
import { createApprover } from '../recovery/approver';
import { createRequester } from '../recovery/requester';
import type { KeyRecoveryEvent } from '../recovery/types';
import { DevicePrompt } from './recovery/DevicePrompt';
import { RecoveryScreen } from './recovery/RecoveryScreen';
import { browserSocket, watchBrowser } from '../chat/browser';
import { createChatStore, type ChatStore } from '../chat/store';
import { totalUnread } from '../chat/view';
import { LOCAL_CODES } from '../errors';
import { browserStorage, roleKey, t } from '../i18n';
import { badgeText, currentSection, navEntries } from '../phone/layout';
import { browserViewport, watchViewport } from '../phone/viewport';
import type { Route } from '../router';
import type { AppStore } from '../state';
import { createNoticeStore, pendingCount, type NoticeStore } from '../notices/store';
import { createCollectStore, toAnswerCount, type CollectStore } from '../collect/store';
import { browserPushDeps, forgetPush, refreshPush } from '../push/client';
import { ChatPage } from './chat/ChatPage';
import { useStore } from './hooks';
import { LanguageSwitch } from './common';
import { DirectoryPage } from './directory/DirectoryPage';
import { SettingsPage } from './settings/SettingsPage';
import { NoticesPage } from './notices/NoticesPage';
import { LogoutDialog } from './me/LogoutDialog';
import { MePage } from './me/MePage';
import { PhonePushPrompt, PhoneReminders } from './phone/Banners';
import { usePhone } from './phone/usePhone';
import { UrgentCard } from './urgent/UrgentCard';
import { createUrgentStore } from '../urgent/browser';
import { createReadsStore } from '../reads/store';
import { ReadsStoreContext } from './reads/ReadsScope';
import { FilesContext } from '../files/keyring';
import { maxFileSize } from '../files/pick';
import { createFilesSend } from '../files/wiring';
import { askInDialog } from './dlp/ask';
import { createReshare } from '../files/reshare';
import * as e2e from '../e2e';
import type { KeyEvent } from '../files/types';
import { FilesSendContext } from './files/send/context';
import { FilesViewProvider } from './files/scope';
import { escrowMenu } from './security/menu';
import { createSecrecyStore } from '../secrecy/store';
import { SecrecyContext } from '../secrecy/context';
import { ProtectProvider } from './protect/context';
import { storagePolicy } from '../protect/storage';
import { protectedLadder } from '../protect/rules';
import { createTodoStore, todoCount, type TodoStore } from '../todo/store';
import { TodoContext } from './todo/context';
import { TodoPage } from './todo/TodoPage';
import { mayAudit } from '../audit/roles';
import { lazyPage } from './lazy';

// The pages of the administrator, the security officer and the console: chunks of their own.
const AdminPage = lazyPage(() => import('./admin/AdminPage').then((m) => m.AdminPage));
const SecurityPage = lazyPage(() => import('./security/SecurityPage').then((m) => m.SecurityPage));
const AuditPage = lazyPage(() => import('./audit/AuditPage').then((m) => m.AuditPage));
// Collections (收集, 接龙): their pages and the builder are fetched when first opened.
const CollectPage = lazyPage(() => import('./collect/CollectPage').then((m) => m.CollectPage));
const CreateDialog = lazyPage(() => import('./collect/CreateDialog').then((m) => m.CreateDialog));
import { traceMenu } from './audit/menu';
import { createAlertBadge, type AlertBadge } from '../audit/alerts';
import type { Message } from '../chat/types';

interface Props {
  store: AppStore;
  request: Request;
  me: Me;
  org: string;
  info?: Info;
  route: Route;
  /** Changes when a password change in 我 opened a new session: reconnect with it. */
  session?: number;
}

export function Shell({ store, request, me, org, info, route, session = 0 }: Props) {
  const phone = usePhone();
  const [confirmLogout, setConfirmLogout] = useState(false);
  useEffect(() => watchViewport(browserViewport()), []);
  // One chat connection for the whole session, whichever section is shown; notices
  // ride on the same socket.
  const notices = useMemo(() => createNoticeStore({ request, meId: me.id }), [me.id, session]);
  const collect = useMemo(() => createCollectStore({ request, meId: me.id }), [me.id, session]);
  const urgent = useMemo(() => createUrgentStore(request, me.id), [me.id]);
  useEffect(() => () => urgent.dispose(), [urgent]);
  const bumps = useStore(urgent).bumps;
  const reads = useMemo(() => createReadsStore({ request }), [me.id, session]);
  // The ladder of secrecy levels: names, colours and rules (read once here, again after
  // each reconnect and whenever the server says it changed).
  const secrecy = useMemo(() => createSecrecyStore(request), [me.id, session]);
  useEffect(() => void secrecy.load(), [secrecy]);
  // 待办: the person's list (the badge) and what they gave; fed by todo, notice and
  // collection frames.
  const todos = useMemo(() => createTodoStore({ request }), [me.id, session]);
  useEffect(() => {
    todos.start();
    return () => todos.dispose();
  }, [todos]);
  useEffect(() => () => reads.dispose(), [reads]);
  // 审计台: the open alerts' badge (security officer and auditor), bumped by audit_alert frames.
  const auditor = mayAudit(me.role);
  const alertBadge = useMemo(() => createAlertBadge(request), [me.id, session]);
  useEffect(() => {
    if (auditor) void alertBadge.load();
  }, [alertBadge, auditor]);
  // The message menu's extra items: 复制文件编号 (the officer's, for 案件调取) and 查看文件去向.
  const menuExtra = useMemo(() => {
    if (!auditor) return undefined;
    const trace = traceMenu(store.navigate);
    return me.role === 'security' ? (m: Message) => [...escrowMenu(m), ...trace(m)] : trace;
  }, [auditor, me.role]);
  // Files: the person's keys and the upload queue live as long as the person is signed
  // in here (a password change's new session keeps them); they reach the chat store of
  // the current session through this ref.
  const chatRef = useRef<ChatStore>();
  const filesSend = useMemo(
    () =>
      createFilesSend({
        request,
        me,
        storage: browserStorage(),
        chat: () => chatRef.current!,
        ask: askInDialog,
        derive: (password) => currentCredential((username) => request<Prelogin>('POST', '/auth/prelogin', { username }), me.username, password),
      }),
    [me.id],
  );
  // Key requests: this browser answers colleagues' (a file's key wrapped to them) and asks
  // for keys never shared with this person, as long as they are signed in here.
  const reshare = useMemo(
    () =>
      createReshare({
        request,
        keyring: () => filesSend.keyring.keyring,
        freshPublicKeys: (ids) => filesSend.keyring.freshPublicKeys(ids),
        api: filesSend.api,
        crypto: e2e,
      }),
    [filesSend],
  );
  useEffect(() => () => reshare.dispose(), [reshare]);
  // Key recovery (issue 12): this device approves a request of the person's from a new
  // device (when its key is unlocked here), and — when an administrator reset the
  // password and this device holds no copy — the locked-key screen asks for the key back.
  const approver = useMemo(
    () =>
      createApprover({
        request,
        me,
        keyring: () => ({ privateKey: () => filesSend.keyring.keyring.privateKey(), keyId: () => filesSend.keyring.getState().keyId }),
        crypto: e2e,
      }),
    [filesSend],
  );
  const requester = useMemo(
    () =>
      createRequester({
        request,
        me,
        keyring: filesSend.keyring,
        crypto: e2e,
        vault: createDeviceVault(indexedDbStore(indexedDB, 'govchat-recovery')),
        verify: (password) => verifyPassword(request, me.username, password),
      }),
    [filesSend],
  );
  useEffect(() => () => requester.dispose(), [requester]);
  const keyState = useStore(filesSend.keyring);
  const [recoveryClosed, setRecoveryClosed] = useState(false);
  const [recoveryShown, setRecoveryShown] = useState(false);
  const showRecovery = !recoveryClosed && me.key_state === 'locked' && (keyState.status === 'locked' || recoveryShown);
  useEffect(() => {
    if (showRecovery) setRecoveryShown(true);
  }, [showRecovery]);
  const chat = useMemo(
    () =>
      createChatStore({
        request,
        me,
        socket: browserSocket,
        storage: browserStorage(),
        // Nothing of a level without `store` (秘密) is written to browser storage.
        keep: storagePolicy(
          () => protectedLadder(secrecy.getState()),
          () => chatRef.current?.getState().channels ?? [],
        ),
        onExpired: () => store.sessionExpired(),
        onOtherFrame: (f) => {
          if (f.type === 'key') {
            filesSend.keyring.keyFrame(f.data as KeyEvent);
            return;
          }
          if (f.type === 'key_recovery') {
            requester.frame(f.data as KeyRecoveryEvent);
            approver.frame(f.data as KeyRecoveryEvent);
            return;
          }
          if (reshare.frame(f)) return;
          if (f.type === 'secrecy') {
            void secrecy.load();
            return;
          }
          if (alertBadge.handleFrame(f)) return;
          if (reads.handleFrame(f)) return;
          if (todos.handleFrame(f)) return;
          if (collect.handleFrame(f)) return;
          notices.handleFrame(f);
          urgent.handleFrame(f);
        },
        // Notice and reads frames are not replayed after a reconnect: fetch what is shown again.
        onWelcome: () => {
          filesSend.keyring.forgetCached(); // key frames missed meanwhile are not replayed
          void secrecy.load(); // the officer may have changed the levels meanwhile
          void notices.resync();
          void collect.resync();
          reads.resync();
          todos.resync();
          if (auditor) void alertBadge.load(); // audit_alert frames are not replayed
        },
      }),
    [me.id, session],
  );
  chatRef.current = chat;
  useEffect(() => {
    // The credential of the password typed moments ago, if this page logged in: unlocks
    // (or makes) the key.
    void filesSend.keyring.start(store.takeSecret(me.id));
    const online = () => filesSend.uploads.resume();
    addEventListener('online', online);
    return () => {
      removeEventListener('online', online);
      const s = store.getState().screen;
      if (s.name === 'login' && s.error?.code === LOCAL_CODES.loggedOutElsewhere) void filesSend.forget();
      else filesSend.dispose();
    };
  }, [filesSend]);
  useEffect(() => {
    // A file message acknowledged ends its upload row; the connection back resumes uploads.
    let conn = chat.getState().conn;
    filesSend.uploads.outboxChanged(chat.getState().outbox);
    return chat.subscribe((s) => {
      filesSend.uploads.outboxChanged(s.outbox);
      if (s.conn === 'online' && conn !== 'online') filesSend.uploads.resume();
      conn = s.conn;
    });
  }, [chat, filesSend]);
  const limit = maxFileSize(info);
  const ladder = protectedLadder(useStore(secrecy));
  // The viewer's phone for the watermark (GET /me has none; the directory has it).
  const myPhone = useStore(chat, () => chat.getState().people[me.id]?.phone);
  const filesValue = useMemo(() => ({ fs: filesSend, limit }), [filesSend, limit]);
  useEffect(() => {
    notices.start();
    return () => notices.dispose();
  }, [notices]);
  useEffect(() => {
    collect.start();
    return () => collect.dispose();
  }, [collect]);
  useEffect(() => {
    chat.start();
    const unwatch = watchBrowser(chat.socket);
    return () => {
      unwatch();
      // Logged out in another tab: forget here too, before dispose would save drafts.
      const s = store.getState().screen;
      if (s.name === 'login' && s.error?.code === LOCAL_CODES.loggedOutElsewhere) chat.forget();
      chat.dispose();
    };
  }, [chat]);

  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a change of section, move focus to the new content so keyboard and
  // screen-reader users land where the page changed.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (route.section !== 'channels') mainRef.current?.focus();
  }, [route.section]);

  const role = t(roleKey(me.role));
  // Title and position, without repeating the role label (a 保密员 is often also titled so).
  const subtitle = [...new Set([me.title, me.position])].filter((x) => x && x !== role).join(' · ');
  const logout = () => {
    chat.forget();
    void filesSend.forget();
    // This device's push subscription goes first: deleting it needs the session.
    void forgetPush({ request }).finally(() => void store.logout());
  };
  // Keep this device's push subscription current (key changes, another person's left behind).
  useEffect(() => {
    void refreshPush(browserPushDeps(request), me.id);
  }, [me.id]);
  const openDirect = (userId: number) => {
    void chat.openDirect(userId).then(
      (id) => store.navigate({ section: 'channels', channelId: id }),
      () => undefined,
    );
  };

  return (
    <SecrecyContext.Provider value={secrecy}>
    <TodoContext.Provider value={todos}>
    <FilesContext.Provider value={filesSend.files}>
    <FilesSendContext.Provider value={filesValue}>
    <div class={`shell shell-${route.section}${route.section === 'channels' && route.channelId ? ' shell-channel-open' : ''}${phone ? ' shell-phone' : ''}`}>
      <a class="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header class="topbar">
        <button type="button" class="topbar-org" onClick={() => store.navigate({ section: 'channels' })}>
          {org}
        </button>
        {/* 我的账号: the name opens 我 (password, second factor); on a phone the 我 tab does. */}
        <a
          class="topbar-user"
          href="/me"
          aria-label={`${t('me.account_link')}：${me.display_name || me.username}`}
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
            e.preventDefault();
            store.navigate({ section: 'me' });
          }}
        >
          <span class="user-name">{me.display_name || me.username}</span>
          {subtitle ? <span class="user-title">{subtitle}</span> : null}
          <span class={`role-badge role-${roleKey(me.role).slice(5)}`}>{role}</span>
        </a>
        {phone ? null : (
          <div class="topbar-actions">
            <LanguageSwitch />
            <button type="button" class="btn btn-quiet" onClick={() => setConfirmLogout(true)}>
              {t('shell.logout')}
            </button>
          </div>
        )}
      </header>
      {confirmLogout ? (
        <LogoutDialog
          onCancel={() => setConfirmLogout(false)}
          onConfirm={() => {
            setConfirmLogout(false);
            logout();
          }}
        />
      ) : null}
      <DevicePrompt approver={approver} />
      <UrgentCard urgent={urgent} nameOf={(id) => chat.getState().people[id]?.display_name} onView={(id) => store.navigate({ section: 'notices', view: 'pending', noticeId: id })} />
      {/* Received files: one opener and download list for the session (inside the files
          context that files-send provides, whose keyring it reads). */}
      <ProtectProvider me={me} phone={myPhone} ladder={ladder}>
      <FilesViewProvider request={request} reshare={reshare}>
      <div class="shell-body">
        <Nav chat={chat} notices={notices} todos={todos} collect={collect} alerts={alertBadge} org={org} route={route} isAdmin={me.role === 'admin'} isSecurity={me.role === 'security'} isAuditor={me.role === 'auditor'} phone={phone} navigate={store.navigate} />
        <main id="main" class="content" tabIndex={-1} ref={mainRef}>
          <PhonePushPrompt request={request} me={me} />
          {route.section !== 'notices' ? (
            <PhoneReminders notices={notices} onOpen={(id) => store.navigate({ section: 'notices', view: 'pending', noticeId: id })} />
          ) : null}
          {showRecovery ? (
            <RecoveryScreen requester={requester} onClose={() => setRecoveryClosed(true)} />
          ) : route.section === 'channels' ? (
            <ReadsStoreContext.Provider value={reads}>
            <ChatPage
              chat={chat}
              notices={notices}
              collect={collect}
              onNavigate={store.navigate}
              request={request}
              meId={me.id}
              meName={me.display_name || me.username}
              info={info}
              channelId={route.channelId}
              onOpen={(id) => store.navigate({ section: 'channels', channelId: id })}
              onMessage={openDirect}
              noDepartment={me.departments.length === 0}
              bumps={bumps}
              menuExtra={menuExtra}
            />
            </ReadsStoreContext.Provider>
          ) : route.section === 'directory' ? (
            <DirectoryPage request={request} meId={me.id} onMessage={openDirect} />
          ) : route.section === 'settings' ? (
            <SettingsPage request={request} me={me} chat={chat} onAccount={() => store.navigate({ section: 'me' })} />
          ) : route.section === 'me' ? (
            <MePage
              request={request}
              me={me}
              navigate={store.navigate}
              onLogout={logout}
              onSessionRenewed={store.sessionRenewed}
              onMeChanged={store.meChanged}
            />
          ) : route.section === 'admin' ? (
            <AdminPage request={request} tab={route.tab} onTab={(tab) => store.navigate({ section: 'admin', tab })} />
          ) : route.section === 'todos' ? (
            <TodoPage todos={todos} chat={chat} meId={me.id} view={route.view} navigate={store.navigate} />
          ) : route.section === 'security' ? (
            <SecurityPage request={request} role={me.role} meId={me.id} tab={route.tab} onTab={(tab) => store.navigate({ section: 'security', tab })} secrecy={secrecy} />
          ) : route.section === 'audit' ? (
            <AuditPage request={request} role={me.role} tab={route.tab} inv={route.inv} navigate={store.navigate} badge={alertBadge} />
          ) : route.section === 'collect' ? (
            <CollectSection chat={chat} collect={collect} request={request} me={me} collectionId={route.collectionId} navigate={store.navigate} />
          ) : (
            <NoticesSection chat={chat} notices={notices} collect={collect} request={request} me={me} route={route} navigate={store.navigate} />
          )}
        </main>
      </div>
      </FilesViewProvider>
      </ProtectProvider>
    </div>
    </FilesSendContext.Provider>
    </FilesContext.Provider>
    </TodoContext.Provider>
    </SecrecyContext.Provider>
  );
}

function Nav(p: { chat: ChatStore; notices: NoticeStore; todos: TodoStore; collect: CollectStore; alerts: AlertBadge; org: string; route: Route; isAdmin: boolean; isSecurity: boolean; isAuditor: boolean; phone: boolean; navigate: (r: Route) => void }) {
  const s = useStore(p.chat);
  const unread = totalUnread(s.channels);
  // 通知's badge: notices to confirm and collections to answer (both under it on a phone).
  const toConfirm = pendingCount(useStore(p.notices)) + toAnswerCount(useStore(p.collect), Date.now());
  const toDo = todoCount(useStore(p.todos));
  const openAlerts = useStore(p.alerts).open;
  useEffect(() => {
    const base = `${p.org} · ${t('app.name')}`;
    document.title = unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${base}` : base;
  }, [unread, p.org]);
  const current = currentSection(p.route, p.phone);
  // On a phone this is the tab bar at the bottom (消息 / 通知 / 待办 / 通讯录 / 我).
  return (
    <nav class={p.phone ? 'sidenav tabbar' : 'sidenav'} aria-label={t('shell.nav')}>
      <ul>
        {navEntries(p.phone, p.isAdmin, p.isSecurity, p.isAuditor).map((n) => (
          <li key={n.section}>
            <button
              type="button"
              class={`nav-item nav-${n.section}`}
              aria-current={current === n.section ? 'page' : undefined}
              onClick={() => p.navigate(n.route)}
            >
              <span class="nav-label">{t(n.key)}</span>
              {n.section === 'channels' && unread > 0 ? (
                <span class="badge nav-badge" aria-label={t('chat.unread', { n: unread })}>
                  {badgeText(unread)}
                </span>
              ) : null}
              {n.section === 'todos' && toDo > 0 ? (
                <span class="badge nav-badge" aria-label={t('todo.tab_count', { n: toDo })}>
                  {badgeText(toDo)}
                </span>
              ) : null}
              {n.section === 'audit' && openAlerts > 0 ? (
                <span class="badge nav-badge" data-testid="audit-nav-badge" aria-label={t('audit.alerts_badge', { n: openAlerts })}>
                  {badgeText(openAlerts)}
                </span>
              ) : null}
              {n.section === 'me' && (p.isSecurity || p.isAuditor) && openAlerts > 0 ? (
                <span class="badge nav-badge" aria-label={t('audit.alerts_badge', { n: openAlerts })}>
                  {badgeText(openAlerts)}
                </span>
              ) : null}
              {n.section === 'notices' && toConfirm > 0 ? (
                <span class="badge nav-badge" aria-label={t('notices.tab_count', { n: toConfirm })}>
                  {badgeText(toConfirm)}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The notices section, with the chat's channel list for names and the publish form. */
function NoticesSection(p: {
  chat: ChatStore;
  notices: NoticeStore;
  collect: CollectStore;
  request: Request;
  me: Me;
  route: Extract<Route, { section: 'notices' }>;
  navigate: (r: Route) => void;
}) {
  const s = useStore(p.chat);
  const cs = useStore(p.collect);
  const collect = {
    count: toAnswerCount(cs, Date.now()),
    create: (onClose: () => void) => (
      <CreateDialog
        s={cs}
        store={p.collect}
        request={p.request}
        me={p.me}
        channels={s.channels}
        onClose={onClose}
        onPublished={(c) => {
          onClose();
          p.navigate({ section: 'collect', collectionId: c.id });
        }}
      />
    ),
  };
  return <NoticesPage notices={p.notices} request={p.request} me={p.me} route={p.route} navigate={p.navigate} channels={s.channels} collect={collect} />;
}

/** Collections (收集 / 接龙), with the chat's channel list for the audience picker. */
function CollectSection(p: { chat: ChatStore; collect: CollectStore; request: Request; me: Me; collectionId?: number; navigate: (r: Route) => void }) {
  const s = useStore(p.chat);
  return <CollectPage store={p.collect} request={p.request} me={p.me} collectionId={p.collectionId} navigate={p.navigate} channels={s.channels} />;
}

/**
 * The credential of the current password typed on the locked-key screen after a reload,
 * checked with the server before a recovered key is wrapped under it (a mistyped password
 * must not become the key's wrap): a login with its auth hash — answered by a session (or,
 * with a second factor, totp_required, which the server says only after the hash
 * matched). null: the password is wrong.
 */
async function verifyPassword(request: Request, username: string, password: string): Promise<Credential | null> {
  const p = await request<Prelogin>('POST', '/auth/prelogin', { username });
  const cred = await deriveCredential(password, p);
  try {
    await request('POST', '/auth/login', { username, auth_hash: cred.authHash });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'totp_required') return cred;
    if (e instanceof ApiError && e.code === 'invalid_credentials') return null;
    throw e;
  }
  return cred;
}
