import { useEffect, useState } from 'preact/hooks';
import type { NoticeState, NoticeStore } from '../../notices/store';

/** Re-renders on every change of the notice store. */
export function useNoticeState(store: NoticeStore): NoticeState {
  const [s, setS] = useState(store.getState());
  useEffect(() => {
    setS(store.getState());
    return store.subscribe(setS);
  }, [store]);
  return s;
}
