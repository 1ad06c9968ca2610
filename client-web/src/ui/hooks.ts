import { useEffect, useRef, useState } from 'preact/hooks';
import { locale, type Locale } from '../i18n';
import type { AppState, AppStore } from '../state';

/** Re-renders on every change of the app store. */
export function useAppState(store: AppStore): AppState {
  const [s, setS] = useState(store.getState());
  useEffect(() => {
    setS(store.getState());
    return store.subscribe(setS);
  }, [store]);
  return s;
}

/** Re-renders when the language changes. */
export function useLocale(): Locale {
  const [l, setL] = useState(locale.get());
  useEffect(() => {
    setL(locale.get());
    return locale.subscribe(setL);
  }, []);
  return l;
}

/** Moves focus to the element once it is mounted, or again when `key` changes. */
export function useFocusOnMount<T extends HTMLElement>(key?: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [key]);
  return ref;
}

/** The current time, refreshed every `everyMs`. */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
