// Whether the person has left the page idle, for the server's `away` frame (PROTOCOL.md
// §7.4): away once the page has been hidden for 2 minutes or has had no keyboard or
// pointer input for 10; active again at once when the page is seen or used. The server
// then pushes people who asked for it (push_when_idle) although they are connected.

export const HIDDEN_AWAY_MS = 2 * 60_000;
export const INPUT_AWAY_MS = 10 * 60_000;

export interface IdleDeps {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

export type IdleWatch = ReturnType<typeof createIdleWatch>;

/** Watches from now, the page visible or not; onChange hears each change of away. */
export function createIdleWatch(deps: IdleDeps, visible: boolean, onChange: (away: boolean) => void) {
  let hidden = !visible;
  let hiddenSince = deps.now();
  let lastInput = deps.now();
  let away = false;
  let timer: unknown;
  let stopped = false;

  /** Decides away now, and while active sets one timer for when it may next change. */
  function evaluate() {
    if (timer !== undefined) deps.clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    const t = deps.now();
    const untilQuiet = INPUT_AWAY_MS - (t - lastInput);
    const untilHidden = hidden ? HIDDEN_AWAY_MS - (t - hiddenSince) : Infinity;
    const next = Math.min(untilQuiet, untilHidden);
    const nowAway = next <= 0;
    if (nowAway !== away) {
      away = nowAway;
      onChange(away);
    }
    // While away only an event brings the person back: no timer needed.
    if (!away) timer = deps.setTimeout(evaluate, next);
  }

  evaluate();

  return {
    away: () => away,
    /** Keyboard or pointer input. Cheap when active (a pointermove stream): the timer
     * reads lastInput when it fires and waits out the rest. */
    input() {
      lastInput = deps.now();
      if (away) evaluate();
    },
    /** The page was hidden or shown; being shown counts as input. */
    visibility(visible: boolean) {
      if (visible) {
        hidden = false;
        lastInput = deps.now();
      } else if (!hidden) {
        hidden = true;
        hiddenSince = deps.now();
      }
      evaluate();
    },
    stop() {
      stopped = true;
      evaluate();
    },
  };
}
