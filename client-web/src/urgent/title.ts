// The tab title flashing while an urgent notice is unseen: it alternates between the
// page's own title and "【紧急通知】…" every second. Whatever else sets the title
// meanwhile (the unread count) is kept as the page's own and put back at the end.

export interface TitleDoc {
  title: string;
}

export interface TitleFlasher {
  start(text: string): void;
  stop(): void;
  readonly flashing: boolean;
}

export function createTitleFlasher(doc: TitleDoc, timers: { set: (fn: () => void, ms: number) => unknown; clear: (h: unknown) => void } = defaultTimers, everyMs = 1000): TitleFlasher {
  let handle: unknown;
  let own = doc.title;
  let text = '';
  let showing = false;
  const tick = () => {
    if (doc.title !== text) own = doc.title; // someone else set it: that is the page's title now
    showing = !showing;
    doc.title = showing ? text : own;
  };
  return {
    start(t) {
      text = t;
      if (handle !== undefined) return;
      own = doc.title;
      showing = false;
      tick();
      handle = timers.set(tick, everyMs);
    },
    stop() {
      if (handle === undefined) return;
      timers.clear(handle);
      handle = undefined;
      if (doc.title === text) doc.title = own;
      showing = false;
    },
    get flashing() {
      return handle !== undefined;
    },
  };
}

const defaultTimers = {
  set: (fn: () => void, ms: number) => setInterval(fn, ms),
  clear: (h: unknown) => clearInterval(h as ReturnType<typeof setInterval>),
};
