import { describe, expect, it } from 'vitest';
import { createIdleWatch, HIDDEN_AWAY_MS, INPUT_AWAY_MS } from './idle';
import { FakeClock } from './testkit';

const MIN = 60_000;

function setup(visible = true) {
  const clock = new FakeClock(1_000_000);
  const changes: boolean[] = [];
  const idle = createIdleWatch({ setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: clock.time }, visible, (a) =>
    changes.push(a),
  );
  return { clock, changes, idle };
}

describe('idle watch', () => {
  it('no input for 10 minutes: away; input: active at once', () => {
    const { clock, changes, idle } = setup();
    clock.advance(INPUT_AWAY_MS - 1);
    expect(changes).toEqual([]);
    clock.advance(1);
    expect(changes).toEqual([true]);
    expect(idle.away()).toBe(true);
    idle.input();
    expect(changes).toEqual([true, false]);
    clock.advance(INPUT_AWAY_MS - 1);
    expect(changes).toEqual([true, false]);
  });

  it('input keeps it active, counted from the last input', () => {
    const { clock, changes, idle } = setup();
    clock.advance(9 * MIN);
    idle.input();
    clock.advance(9 * MIN);
    idle.input(); // a stream of input costs no timers while active
    idle.input();
    expect(clock.pending()).toHaveLength(1);
    clock.advance(INPUT_AWAY_MS - 1);
    expect(changes).toEqual([]);
    clock.advance(1);
    expect(changes).toEqual([true]);
  });

  it('hidden for 2 minutes: away; shown again: active at once', () => {
    const { clock, changes, idle } = setup();
    clock.advance(MIN);
    idle.visibility(false);
    clock.advance(HIDDEN_AWAY_MS - 1);
    expect(changes).toEqual([]);
    clock.advance(1);
    expect(changes).toEqual([true]);
    expect(clock.pending()).toEqual([]); // nothing ticks while away
    idle.visibility(true);
    expect(changes).toEqual([true, false]);
  });

  it('a glance under 2 minutes changes nothing, and being shown counts as input', () => {
    const { clock, changes, idle } = setup();
    clock.advance(8 * MIN);
    idle.visibility(false);
    clock.advance(MIN);
    idle.visibility(true);
    clock.advance(9 * MIN); // 18 minutes since the last key, 9 since the page was seen
    expect(changes).toEqual([]);
    clock.advance(MIN);
    expect(changes).toEqual([true]);
  });

  it('a page that starts hidden goes away after 2 minutes', () => {
    const { clock, changes } = setup(false);
    clock.advance(HIDDEN_AWAY_MS);
    expect(changes).toEqual([true]);
  });

  it('a second hidden event does not restart the 2 minutes', () => {
    const { clock, changes, idle } = setup();
    idle.visibility(false);
    clock.advance(MIN);
    idle.visibility(false);
    clock.advance(MIN);
    expect(changes).toEqual([true]);
  });

  it('stop leaves no timer and reports nothing more', () => {
    const { clock, changes, idle } = setup();
    idle.stop();
    expect(clock.pending()).toEqual([]);
    clock.advance(INPUT_AWAY_MS * 2);
    expect(changes).toEqual([]);
  });
});
