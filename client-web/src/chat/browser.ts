// The browser side of the connection: the real WebSocket, and the signals that tell us
// the link may have changed — the network going away and coming back, the tab becoming
// visible, and the machine waking from sleep (timers that fire far too late) — and
// whether the person has left the page idle (idle.ts), which the socket tells the server.

import { createIdleWatch } from './idle';
import { createSocket, type Socket, type SocketHandlers, type WebSocketLike } from './socket';

/** Input that shows someone is at the page. */
const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

const WAKE_TICK_MS = 5_000;
const WAKE_GAP_MS = 20_000;

export function browserSocket(h: SocketHandlers): Socket {
  const url = location.origin.replace(/^http/, 'ws') + '/api/v1/ws';
  return createSocket(
    {
      url,
      create: (u) => new WebSocket(u) as unknown as WebSocketLike,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
      random: Math.random,
      isOnline: () => navigator.onLine !== false,
    },
    h,
  );
}

/** Wires the page's signals to the socket; returns the function that unwires them. */
export function watchBrowser(socket: Socket): () => void {
  const online = () => socket.reconnectNow();
  const offline = () => socket.wentOffline();
  const idle = createIdleWatch(
    { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>), now: Date.now },
    document.visibilityState === 'visible',
    (away) => socket.setAway(away),
  );
  const input = () => idle.input();
  const visible = () => {
    const shown = document.visibilityState === 'visible';
    idle.visibility(shown);
    if (shown) socket.check();
  };
  let last = Date.now();
  const tick = setInterval(() => {
    const t = Date.now();
    if (t - last > WAKE_GAP_MS) socket.check(); // we were asleep: the link is suspect
    last = t;
  }, WAKE_TICK_MS);
  addEventListener('online', online);
  addEventListener('offline', offline);
  document.addEventListener('visibilitychange', visible);
  for (const ev of INPUT_EVENTS) addEventListener(ev, input, { capture: true, passive: true });
  return () => {
    idle.stop();
    for (const ev of INPUT_EVENTS) removeEventListener(ev, input, { capture: true });
    clearInterval(tick);
    removeEventListener('online', online);
    removeEventListener('offline', offline);
    document.removeEventListener('visibilitychange', visible);
  };
}
