import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPeopleSearch, SEARCH_DELAY_MS, type FindPeople } from './search';

interface P {
  id: number;
}

/** A find function whose answers the test gives, one pending question per query. */
function server() {
  const asked: string[] = [];
  const pending = new Map<string, { resolve: (p: P[]) => void; reject: (e: unknown) => void }>();
  const find: FindPeople<P> = (q) => {
    asked.push(q);
    return new Promise((resolve, reject) => pending.set(q, { resolve, reject }));
  };
  const answer = async (q: string, ids: number[]) => {
    pending.get(q)!.resolve(ids.map((id) => ({ id })));
    await vi.advanceTimersByTimeAsync(0);
  };
  const fail = async (q: string, e: unknown) => {
    pending.get(q)!.reject(e);
    await vi.advanceTimersByTimeAsync(0);
  };
  return { find, asked, answer, fail };
}

const pause = () => vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createPeopleSearch', () => {
  it('asks once, after the pause, with the last text trimmed', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    search.setText('李');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 1);
    search.setText(' 李华 ');
    expect(search.getState()).toMatchObject({ text: ' 李华 ', searching: true });
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 1);
    expect(s.asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.asked).toEqual(['李华']);
    await s.answer('李华', [7]);
    expect(search.getState()).toMatchObject({ query: '李华', results: [{ id: 7 }], searching: false });
  });

  it('does not ask again when only spaces around the text change', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    search.setText('李华');
    await pause();
    await s.answer('李华', [7]);
    search.setText('李华 ');
    await pause();
    expect(s.asked).toEqual(['李华']);
    expect(search.getState()).toMatchObject({ text: '李华 ', results: [{ id: 7 }], searching: false });
  });

  it('forgets the results at once when the text is emptied, and asks nothing', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    search.setText('李华');
    await pause();
    await s.answer('李华', [7]);
    search.setText('   ');
    expect(search.getState()).toMatchObject({ query: '', results: undefined, searching: false });
    await pause();
    expect(s.asked).toEqual(['李华']);
  });

  it('keeps the older results shown while newer text is searched', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    search.setText('李');
    await pause();
    await s.answer('李', [7, 8]);
    search.setText('李华');
    expect(search.getState()).toMatchObject({ results: [{ id: 7 }, { id: 8 }], searching: true });
  });

  it('drops an answer to older text that comes after the newer one', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    search.setText('李');
    await pause();
    search.setText('李华');
    await pause();
    await s.answer('李华', [7]);
    await s.answer('李', [7, 8, 9]);
    expect(s.asked).toEqual(['李', '李华']);
    expect(search.getState()).toMatchObject({ query: '李华', results: [{ id: 7 }], searching: false });
  });

  it('says why a search failed until the next text', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    const boom = new Error('offline');
    search.setText('李华');
    await pause();
    await s.fail('李华', boom);
    expect(search.getState()).toMatchObject({ error: boom, searching: false });
    search.setText('李华东');
    expect(search.getState().error).toBeUndefined();
  });

  it('clear() forgets the text and a search not yet sent', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    search.setText('李华');
    search.clear();
    await pause();
    expect(s.asked).toEqual([]);
    expect(search.getState()).toEqual({ text: '', query: '', results: undefined, searching: false, error: undefined });
  });

  it('tells its listeners of each change and stops after dispose()', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    const seen: boolean[] = [];
    search.subscribe(() => seen.push(search.getState().searching));
    search.setText('李华');
    await pause();
    await s.answer('李华', [7]);
    expect(seen).toEqual([true, true, false]);
    search.setText('张');
    search.dispose();
    await pause();
    expect(s.asked).toEqual(['李华']);
    expect(seen).toEqual([true, true, false, true]);
  });

  it('without a find function, settles the query after the pause (the directory pages itself)', async () => {
    const search = createPeopleSearch<P>(undefined, 300);
    search.setText('李华');
    await vi.advanceTimersByTimeAsync(299);
    expect(search.getState().query).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(search.getState()).toMatchObject({ query: '李华', searching: false });
    search.clear();
    expect(search.getState().query).toBe('');
  });

  it('cuts the query to the bytes the server takes', async () => {
    const s = server();
    const search = createPeopleSearch(s.find);
    search.setText('李'.repeat(30));
    await pause();
    expect(s.asked).toEqual(['李'.repeat(21)]);
  });
});
