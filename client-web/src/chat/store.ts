// The chat state of one logged-in user: channels, timelines, the outbox, members and
// the connection. Frames and REST answers go in; an immutable ChatState comes out for
// the UI. It follows the reconnect algorithm of PROTOCOL.md §7.7.
//
// This file assembles the parts and owns the lifecycle and navigation:
//   state.ts    the state, its listeners, and the context the parts share
//   frames.ts   the socket's hello, connection state and incoming frames
//   loaders.ts  what is fetched over REST
//   sending.ts  drafts, the outbox, edits, recalls and read marks

import { createSocketHandlers } from './frames';
import { createLoaders } from './loaders';
import { createSending } from './sending';
import { createReactions } from '../reactions/store';
import { createChatCore, type ChatDeps, type ChatState } from './state';
import type { Channel } from './types';

export type { ChatDeps, ChatState } from './state';

export type ChatStore = ReturnType<typeof createChatStore>;

export function createChatStore(deps: ChatDeps) {
  const core = createChatCore(deps);
  const { ctx } = core;
  const loaders = createLoaders(ctx);
  // The socket is built last, over handlers that need the other parts; sending reaches
  // it through a function, called only once the store is built.
  const sending = createSending(ctx, (f) => socket.send(f));
  const socket = deps.socket(createSocketHandlers(ctx, loaders, sending));
  const reactions = createReactions(ctx, (f) => socket.send(f));

  // ---- navigation ----

  function open(channelId: number | undefined) {
    // A landing (search hit) holds only while its channel stays open.
    const landing = ctx.state.landing?.channelId === channelId ? ctx.state.landing : undefined;
    ctx.set({ activeId: channelId, landing });
    if (channelId === undefined) return;
    const t = ctx.state.timelines[channelId];
    // Opened again after a landing, a channel shows its newest messages, not the old window.
    if (!t || ctx.state.timelineErrors[channelId] || (t.hasNewer && !landing)) void loaders.loadNewest(channelId);
    if (!ctx.state.members[channelId]) void loaders.loadMembers(channelId);
  }

  return {
    getState: (): ChatState => ctx.state,
    subscribe(fn: (s: ChatState) => void): () => void {
      return core.subscribe(fn);
    },
    start() {
      socket.start();
      void loaders.loadChannels();
      void loaders.loadPeople();
    },
    dispose() {
      core.markDisposed();
      loaders.stop();
      sending.stop();
      socket.stop();
      core.clearListeners();
    },
    /** Logout: forget what this browser kept for the user. */
    forget() {
      core.forget();
    },
    socket,
    open,
    loadOlder: loaders.loadOlder,
    openAt: loaders.loadAround,
    loadNewer: loaders.loadNewer,
    jumpToLatest: (id: number) => void loaders.loadNewest(id),
    loadMembers: loaders.loadMembers,
    loadPresence: loaders.loadPresence,
    reloadChannels: loaders.loadChannels,
    send: sending.send,
    sendAttachment: sending.sendAttachment,
    retry: sending.retry,
    discard: sending.discard,
    edit: sending.edit,
    recall: sending.recall,
    markRead: sending.markRead,
    /** Adds or takes back the person's reaction (PROTOCOL.md §7.4 react). */
    toggleReaction: reactions.toggle,
    setDraft: sending.setDraft,
    search: loaders.search,
    clearSearch: () => ctx.set({ search: undefined }),
    openDirect: loaders.openDirect,
    /** The user's notification level in a channel changed (免打扰, or 设置). */
    setNotify: (id: number, level: NonNullable<Channel['notify']>) => ctx.patchChannel(id, (c) => ({ ...c, notify: level })),
  };
}
